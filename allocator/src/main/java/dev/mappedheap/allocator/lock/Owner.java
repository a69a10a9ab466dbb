package dev.mappedheap.allocator.lock;

import java.nio.channels.FileLock;

/**
 * Lock layer: one heap instance's identity in lock words, alive exactly as long as its slot in the
 * {@link LockFile} stays locked.
 */
public final class Owner {
    private final LockFile lockFile;
    private final long token;
    private final FileLock slotLock;
    private boolean released; // guarded by this

    Owner(LockFile lockFile, long token, FileLock slotLock) {
        this.lockFile = lockFile;
        this.token = token;
        this.slotLock = slotLock;
    }

    /** @return the nonzero value this owner stores in a lock word it holds */
    public long token() {
        return token;
    }

    /** @return the lock file that decides whether tokens are alive */
    public LockFile lockFile() {
        return lockFile;
    }

    /**
     * Gives up the slot: from now on every lock word holding this token reads as held by a dead owner, and
     * the next locker takes it over and undoes whatever was half done. Idempotent.
     */
    public synchronized void release() {
        if (!released) {
            released = true;
            lockFile.releaseSlot(this, slotLock);
        }
    }

    @Override
    public String toString() {
        return "Owner{slot=" + LockFile.slotOf(token) + " token=0x" + Long.toHexString(token) + "}";
    }
}
