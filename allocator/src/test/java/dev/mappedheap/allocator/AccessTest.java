package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.HeapTestSupport.assertConsistent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mappedheap.allocator.lock.LockFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may open a heap: new heap files and their lock files get exactly the permissions asked for (owner
 * read-write by default, whatever the umask), and {@code open} of a file this process cannot write fails with
 * {@link HeapAccessDeniedException}, never with a handle that breaks later.
 *
 * <p>As root, the kernel lets the process write a {@code 0400} file anyway ({@code CAP_DAC_OVERRIDE}), so the
 * in-process tests assert that root behaviour when they run as root, and a child JVM without that capability
 * (started through {@code setpriv}) shows the refusal a normal user gets.
 */
class AccessTest {
    private static final Set<PosixFilePermission> OWNER_READ_ONLY = PosixFilePermissions.fromString("r--------");

    @TempDir Path dir;

    @Test
    void aNewHeapAndItsLockFileAreReadableAndWritableByTheOwnerOnly() throws Exception {
        Path file = dir.resolve("private.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(LockFile.pathFor(file)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertConsistent(heap);
        }
    }

    @Test
    void groupPermissionsAskedForAreSetExactlyOnTheHeapAndItsLockFile() throws Exception {
        // rw for the group: a typical umask (022) would take the group's write away from a plain create
        Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rw-rw-r--");
        Path file = dir.resolve("shared.heap");
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults().permissions(shared))) {
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(shared);
            assertThat(Files.getPosixFilePermissions(LockFile.pathFor(file))).isEqualTo(shared);
            heap.free(heap.allocate(100));
            assertConsistent(heap);
        }
        try (var names = Files.list(dir)) {
            assertThat(names.map(p -> p.getFileName().toString())).as("no temporary creation file left behind")
                    .containsExactlyInAnyOrder("shared.heap", "shared.heap.lock");
        }
    }

    @Test
    void permissionsThatDenyTheOwnerReadOrWriteAreRefused() {
        assertThatThrownBy(() -> HeapOptions.defaults().permissions(OWNER_READ_ONLY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permissions=r--------");
        assertThatThrownBy(() -> HeapOptions.defaults().permissions(PosixFilePermissions.fromString("-w-rw----")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openOfAHeapThisProcessCannotWriteFailsClearlyUnlessItMayOverridePermissions() throws Exception {
        Path file = createReadOnlyHeap("readonly.heap");
        byte[] before = Files.readAllBytes(file);
        long uid = ((Number) Files.getAttribute(file, "unix:uid")).longValue(); // a file we made: our own uid
        if (Files.isWritable(file)) {
            // root, or a process with CAP_DAC_OVERRIDE: the kernel grants write access despite the mode bits,
            // so the heap opens read-write and works like any other
            assertThat(uid).as("only a privileged process may write a r-------- file").isZero();
            try (MappedHeap heap = MappedHeap.open(file)) {
                heap.free(heap.allocate(64));
                assertConsistent(heap);
            }
        } else {
            assertThatThrownBy(() -> MappedHeap.open(file)).isInstanceOf(HeapAccessDeniedException.class)
                    .hasMessageContaining("no read-write access to the heap file: file=" + file)
                    .hasMessageContaining("permissions=r--------");
            assertThat(Files.readAllBytes(file)).as("a refused open changes nothing").isEqualTo(before);
        }
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(OWNER_READ_ONLY);
    }

    @Test
    void withoutTheRightToOverridePermissionsAReadOnlyHeapOrLockFileIsRefused() throws Exception {
        Path heapFile = createReadOnlyHeap("readonly.heap");
        Path lockedOut = dir.resolve("lockedout.heap");
        MappedHeap.create(lockedOut, HeapOptions.defaults()).close();
        Files.setPosixFilePermissions(LockFile.pathFor(lockedOut), OWNER_READ_ONLY);
        List<String> command = new ArrayList<>();
        if (Files.isWritable(heapFile)) {
            // privileged: drop the capabilities that bypass file permissions for the child, as a normal user
            Assumptions.assumeTrue(onPath("setpriv"),
                    "running privileged, and setpriv is missing to start a child without CAP_DAC_OVERRIDE");
            command.addAll(List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search"));
        }
        command.addAll(ChildJvm.command(OpenAndReport.class, heapFile.toString(), lockedOut.toString()));
        ChildJvm.Result result = ChildJvm.run(command);
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output())
                .contains("denied " + heapFile + ": HeapAccessDeniedException: no read-write access to the heap"
                        + " file: file=" + heapFile + " permissions=r--------")
                .contains("denied " + lockedOut + ": HeapAccessDeniedException: no read-write access to the"
                        + " heap's lock file");
        // the lock file stays refused, but the heap itself is intact: with its lock file writable it opens
        Files.setPosixFilePermissions(LockFile.pathFor(lockedOut), HeapOptions.OWNER_ONLY);
        try (MappedHeap heap = MappedHeap.open(lockedOut)) {
            assertConsistent(heap);
        }
    }

    private Path createReadOnlyHeap(String name) throws Exception {
        Path file = dir.resolve(name);
        try (MappedHeap heap = MappedHeap.create(file, HeapOptions.defaults())) {
            heap.setRoot(heap.allocate(128));
        }
        Files.setPosixFilePermissions(file, OWNER_READ_ONLY);
        return file;
    }

    private static boolean onPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!directory.isEmpty() && Files.isExecutable(Path.of(directory, program))) {
                return true;
            }
        }
        return false;
    }

    /** Child JVM: opens each file and prints whether it opened or how it was refused. */
    static final class OpenAndReport {
        private OpenAndReport() {}

        public static void main(String[] args) {
            for (String name : args) {
                Path file = Path.of(name);
                try (MappedHeap heap = MappedHeap.open(file)) {
                    System.out.println("opened " + file + " capacity=" + heap.stats().capacity());
                } catch (HeapException e) {
                    System.out.println("denied " + file + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            System.exit(0);
        }
    }
}
