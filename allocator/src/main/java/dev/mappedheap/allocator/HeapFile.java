package dev.mappedheap.allocator;

import static dev.mappedheap.allocator.format.HeaderLayout.*;

import dev.mappedheap.allocator.format.BlockLayout;
import dev.mappedheap.allocator.format.HeaderLayout;
import dev.mappedheap.allocator.format.JournalLayout;
import dev.mappedheap.allocator.internal.FileSpace;
import dev.mappedheap.allocator.internal.HeapMemory;
import dev.mappedheap.allocator.journal.UndoJournal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.security.SecureRandom;

/**
 * Format layer, applied: writing a new heap file's header, and reading and validating an existing one
 * before anything in it is trusted. Everything it reads is checked against the file's real size.
 */
final class HeapFile {
    /** The immutable header fields, validated. */
    record Header(long heapStart, long journalOffset, int journalCapacity, long salt, long growthIncrement,
            long maxSize, long capacity) {}

    private HeapFile() {}

    /**
     * Creates the file with the options' permissions (owner read-write only by default), reserves its space,
     * maps it, writes a fresh header and flushes it, the directory entry included.
     *
     * <p>The heap is built under a temporary name beside the file and appears under its own name only when
     * complete, through a hard link that fails if the name exists. So a crash during creation never leaves
     * a half-made heap that no open could use (at worst a {@code .NAME.creating-*} file to delete), and a
     * process racing to open the name never sees an unfinished one.
     */
    static Opened create(Path file, HeapOptions options) {
        long journalOffset = JournalLayout.DEFAULT_JOURNAL_OFFSET;
        int journalCapacity = JournalLayout.DEFAULT_CAPACITY;
        long heapStart = JournalLayout.heapStartAfter(journalOffset, journalCapacity);
        long maxSize = options.maxSize() & ~4095L;
        long capacity = Math.max(pageAlign(options.initialSize()), heapStart + 4096);
        if (capacity > maxSize) {
            throw new IllegalArgumentException("initialSize=" + options.initialSize() + " does not fit maxSize="
                    + options.maxSize() + " (the header and journal take " + heapStart + " bytes)");
        }
        if (Files.exists(file)) {
            throw alreadyExists(file, new FileAlreadyExistsException(file.toString()));
        }
        Path temp = file.resolveSibling("." + file.getFileName() + ".creating-"
                + Long.toHexString(new SecureRandom().nextLong() >>> 1));
        createEmpty(temp, options.permissions());
        FileChannel channel = null;
        HeapMemory memory = null;
        try {
            channel = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileSpace.reserveExclusively(temp, channel, 0, capacity); // a private name: nobody else extends it
            memory = new HeapMemory(channel, capacity, maxSize, heapStart, CAPACITY_OFFSET);
            Header header = new Header(heapStart, journalOffset, journalCapacity, new SecureRandom().nextLong(),
                    options.growthIncrement(), maxSize, capacity);
            writeHeader(memory, header);
            memory.sync();
            publish(temp, file);
            syncDirectory(file);
            return new Opened(memory, header);
        } catch (IOException | RuntimeException e) {
            closeQuietly(memory, channel, e);
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof FileAlreadyExistsException exists) {
                throw alreadyExists(file, exists);
            }
            throw e instanceof HeapException he ? he : new HeapException("cannot create heap: file=" + file, e);
        }
    }

    /** Gives the finished heap its name, failing if the name exists, then drops the temporary name. */
    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
        } catch (UnsupportedOperationException noHardLinks) {
            // a file system without hard links: a move, which does not replace an existing file
            Files.move(temp, file);
            return;
        }
        try {
            Files.delete(temp);
        } catch (IOException leftOver) {
            // the heap exists under its name; a second name for the same file does no harm
        }
    }

    /**
     * fsyncs the directory that holds {@code file}, so that its new name survives a power loss (the file's
     * own fsync does not cover the directory entry). Where a directory cannot be opened for fsync (not
     * Linux), the name is durable whenever the file system flushes its metadata.
     */
    private static void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            return;
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException notSupported) {
            // a platform or file system that does not fsync directories: nothing more can be done here
        }
    }

    private static HeapException alreadyExists(Path file, FileAlreadyExistsException cause) {
        return new HeapException("cannot create heap: the file already exists: file=" + file, cause);
    }

    /**
     * Creates the file owner-only, then sets the wanted permissions exactly: the umask narrows the mode of
     * {@code open(O_CREAT)} but not of {@code chmod}, and creating it owner-only first means no other user
     * can open it in between.
     */
    private static void createEmpty(Path file, Set<PosixFilePermission> permissions) {
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(HeapOptions.OWNER_ONLY));
                Files.setPosixFilePermissions(file, permissions);
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(file, e);
        } catch (IOException e) {
            throw new HeapException("cannot create heap: file=" + file, e);
        }
    }

    private static void writeHeader(HeapMemory memory, Header h) {
        memory.writeInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION);
        memory.writeInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        memory.writeLong(HEAP_START_OFFSET, h.heapStart());
        memory.writeLong(JOURNAL_OFFSET_OFFSET, h.journalOffset());
        memory.writeInt(JOURNAL_CAPACITY_OFFSET, h.journalCapacity());
        memory.writeInt(FLAGS_OFFSET, 0);
        memory.writeLong(SALT_OFFSET, h.salt());
        memory.writeLong(GROWTH_INCREMENT_OFFSET, h.growthIncrement());
        memory.writeLong(MAX_SIZE_OFFSET, h.maxSize());
        memory.writeLong(JOURNAL_SEQ_OFFSET, 1);
        memory.writeLong(CAPACITY_OFFSET, h.capacity());
        memory.writeLong(TOP_OFFSET, h.heapStart());
        long[] words = new long[CHECKSUMMED_LENGTH / 8];
        words[0] = MAGIC;
        for (int i = 1; i < words.length; i++) {
            words[i] = memory.readLong(8L * i);
        }
        memory.writeLong(HEADER_CHECKSUM_OFFSET, HeaderLayout.checksum(words));
        // the magic goes last: a file whose creation was cut short is not mistaken for a heap
        memory.writeOrderedLong(MAGIC_OFFSET, MAGIC);
    }

    /** Opens and validates the header of an existing heap file, then maps it. */
    static Opened open(Path file) {
        if (!Files.exists(file)) {
            throw new HeapException("no heap file: file=" + file, new NoSuchFileException(file.toString()));
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            Header header = readHeader(file, channel);
            // a copy made sparse (cp --sparse, rsync -S) has holes where a full disk would fault on first
            // write; reserving the whole capacity again costs nothing where the blocks already exist
            FileSpace.reserve(file, channel, 0, header.capacity());
            HeapMemory memory = new HeapMemory(channel, header.capacity(), header.maxSize(), header.heapStart(),
                    CAPACITY_OFFSET);
            return new Opened(memory, header);
        } catch (java.nio.file.AccessDeniedException e) {
            throw accessDenied(file, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(null, channel, e);
            throw e instanceof HeapException he ? he : new HeapException("cannot open heap file: file=" + file, e);
        }
    }

    /**
     * @return the exception for a heap file this process may not open for reading and writing, with the
     *     file's permissions when they can be read
     */
    static HeapAccessDeniedException accessDenied(Path file, java.nio.file.AccessDeniedException cause) {
        String permissions;
        try {
            permissions = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            permissions = "unknown";
        }
        return new HeapAccessDeniedException("no read-write access to the heap file: file=" + file + " permissions="
                + permissions + " (a heap is always opened read-write: its lock and crash recovery write to the"
                + " file; to only read it, copy it and open the copy)", cause);
    }

    /** A mapped heap file whose header passed validation. */
    record Opened(HeapMemory memory, Header header) {}

    private static Header readHeader(Path file, FileChannel channel) throws IOException {
        long sizeBefore = channel.size();
        if (sizeBefore < HEADER_LENGTH) {
            throw new IncompatibleFormatException(
                    "file too short to be a heap: file=" + file + " size=" + sizeBefore + " expected=>= "
                            + HEADER_LENGTH);
        }
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new IncompatibleFormatException("file too short to be a heap: file=" + file + " size="
                        + buffer.position() + " expected=>= " + HEADER_LENGTH);
            }
        }
        long magic = buffer.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IncompatibleFormatException("not a mappedheap file: file=" + file + " field=magic offset="
                    + MAGIC_OFFSET + " found=0x" + Long.toHexString(magic) + " expected=0x" + Long.toHexString(MAGIC));
        }
        int version = buffer.getInt(FORMAT_VERSION_OFFSET);
        if (version != FORMAT_VERSION) {
            throw new IncompatibleFormatException("unsupported format version: file=" + file + " field=formatVersion"
                    + " offset=" + FORMAT_VERSION_OFFSET + " found=" + version + " expected=" + FORMAT_VERSION);
        }
        long[] words = new long[CHECKSUMMED_LENGTH / 8];
        for (int i = 0; i < words.length; i++) {
            words[i] = buffer.getLong(8 * i);
        }
        long checksum = buffer.getLong(HEADER_CHECKSUM_OFFSET);
        if (checksum != HeaderLayout.checksum(words)) {
            throw new HeapCorruptedException("header checksum mismatch: file=" + file + " field=headerChecksum offset="
                    + HEADER_CHECKSUM_OFFSET + " found=0x" + Long.toHexString(checksum) + " expected=0x"
                    + Long.toHexString(HeaderLayout.checksum(words)));
        }
        int headerLength = buffer.getInt(HEADER_LENGTH_OFFSET);
        long journalOffset = buffer.getLong(JOURNAL_OFFSET_OFFSET);
        int journalCapacity = buffer.getInt(JOURNAL_CAPACITY_OFFSET);
        long heapStart = buffer.getLong(HEAP_START_OFFSET);
        long growthIncrement = buffer.getLong(GROWTH_INCREMENT_OFFSET);
        long maxSize = buffer.getLong(MAX_SIZE_OFFSET);
        long capacity = buffer.getLong(CAPACITY_OFFSET);
        require(headerLength == HEADER_LENGTH, file, "headerLength", HEADER_LENGTH_OFFSET, headerLength,
                "" + HEADER_LENGTH);
        require(journalOffset == JournalLayout.DEFAULT_JOURNAL_OFFSET, file, "journalOffset", JOURNAL_OFFSET_OFFSET,
                journalOffset, "" + JournalLayout.DEFAULT_JOURNAL_OFFSET);
        require(journalCapacity >= 64 && journalCapacity <= UndoJournal.MAX_CAPACITY, file, "journalCapacity",
                JOURNAL_CAPACITY_OFFSET, journalCapacity, "64.." + UndoJournal.MAX_CAPACITY);
        require(heapStart == JournalLayout.heapStartAfter(journalOffset, journalCapacity), file, "heapStart",
                HEAP_START_OFFSET, heapStart, "" + JournalLayout.heapStartAfter(journalOffset, journalCapacity));
        require(growthIncrement >= HeapOptions.MIN_GROWTH_INCREMENT, file, "growthIncrement", GROWTH_INCREMENT_OFFSET,
                growthIncrement, ">= " + HeapOptions.MIN_GROWTH_INCREMENT);
        require(maxSize > heapStart && (maxSize & 4095) == 0, file, "maxSize", MAX_SIZE_OFFSET, maxSize,
                "a multiple of 4096 above " + heapStart);
        require(capacity > heapStart && capacity <= maxSize && BlockLayout.aligned(capacity), file, "capacity",
                CAPACITY_OFFSET, capacity, "16-aligned, in (" + heapStart + ", " + maxSize + "]");
        // the size is read after the header: another process grows the file before it raises the capacity,
        // so a size read before the header could be older than the capacity it holds
        long fileSize = channel.size();
        if (capacity > fileSize) {
            throw new HeapCorruptedException("file truncated: file=" + file + " field=capacity offset="
                    + CAPACITY_OFFSET + " found=" + capacity + " expected=<= " + fileSize + " (the file's size)");
        }
        return new Header(heapStart, journalOffset, journalCapacity, buffer.getLong(SALT_OFFSET), growthIncrement,
                maxSize, capacity);
    }

    private static void require(boolean ok, Path file, String field, int offset, long found, String expected) {
        if (!ok) {
            throw new HeapCorruptedException("header field out of range: file=" + file + " field=" + field + " offset="
                    + offset + " found=" + found + " expected=" + expected);
        }
    }

    /**
     * Checks the header fields that operations change, under the heap's lock after recovery has run. Recovery
     * may have undone a growth, and other processes may have grown the file since the header was read, so
     * the capacity is checked against the mapping, which {@link HeapMemory#followGrowth} keeps within the
     * file's real size.
     */
    static void validateMutable(HeapMemory memory, Path file, Header header) {
        memory.followGrowth();
        long capacity = memory.readLong(CAPACITY_OFFSET);
        long top = memory.readLong(TOP_OFFSET);
        long mapped = memory.limit();
        require(capacity > header.heapStart() && capacity <= mapped && BlockLayout.aligned(capacity), file,
                "capacity", CAPACITY_OFFSET, capacity,
                "16-aligned, in (" + header.heapStart() + ", " + mapped + "] (the file's size)");
        require(top >= header.heapStart() && top <= capacity && BlockLayout.aligned(top), file, "top", TOP_OFFSET, top,
                "16-aligned, in [" + header.heapStart() + ", " + capacity + "]");
        long root = memory.readLong(ROOT_OFFSET);
        require(root == 0 || (root >= header.heapStart() && root < capacity), file, "root", ROOT_OFFSET, root,
                "0 or in [" + header.heapStart() + ", " + capacity + ")");
    }

    static long pageAlign(long size) {
        return (size + 4095) & ~4095L;
    }

    private static void closeQuietly(HeapMemory memory, FileChannel channel, Exception failure) {
        try {
            if (memory != null) {
                memory.close();
            } else if (channel != null) {
                channel.close();
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
