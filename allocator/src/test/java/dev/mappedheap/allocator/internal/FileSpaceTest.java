package dev.mappedheap.allocator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.HeapFullException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Space is reserved with fallocate on the channel's own descriptor, not by the slower zero-writing fallback.
 * (That no second descriptor is opened, which would drop the file's locks, is shown across processes by
 * {@code ExclusiveOpenTest}.)
 */
class FileSpaceTest {
    @TempDir Path dir;

    @Test
    void reservesWithFallocateOnTheChannel() throws IOException {
        Path file = dir.resolve("f");
        Files.createFile(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThat(FileSpace.reserve(file, channel, 0, 1 << 20)).isEqualTo(FileSpace.Method.FALLOCATE);
            assertThat(Files.size(file)).isEqualTo(1 << 20);
            assertThat(FileSpace.reserve(file, channel, 1 << 20, 3 << 20)).isEqualTo(FileSpace.Method.FALLOCATE);
            assertThat(Files.size(file)).isEqualTo(3 << 20);
            assertThat(FileSpace.reserve(file, channel, 3 << 20, 3 << 20)).isEqualTo(FileSpace.Method.NONE);
        }
    }

    @Test
    void aGrowthFarBeyondTheDiskIsRefusedWithoutWritingAByte() throws IOException {
        Path file = dir.resolve("f");
        Files.createFile(file);
        long beyond = Files.getFileStore(file).getTotalSpace() * 4; // fallocate fails; zeros would fill the disk
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileSpace.reserve(file, channel, 0, 1 << 20);
            assertThatThrownBy(() -> FileSpace.reserve(file, channel, 1 << 20, beyond))
                    .isInstanceOf(HeapFullException.class).hasMessageContaining("nothing written")
                    .hasMessageContaining("usableSpace=");
            assertThat(Files.size(file)).isEqualTo(1 << 20);
        }
    }
}
