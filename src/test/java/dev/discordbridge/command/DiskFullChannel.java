package dev.discordbridge.command;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A real file channel whose disk "fills up" when told: the next write puts only part of its
 * bytes on the file, then fails as a full disk does; later writes succeed again (space freed).
 */
final class DiskFullChannel extends FileChannel {
  private final FileChannel real;
  private volatile int failNextAfterBytes = -1;

  DiskFullChannel(FileChannel real) {
    this.real = real;
  }

  /** The next write writes {@code bytes} bytes, then fails with "No space left on device". */
  void failNextWriteAfter(int bytes) {
    failNextAfterBytes = bytes;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int limit = failNextAfterBytes;
    if (limit >= 0) {
      failNextAfterBytes = -1;
      ByteBuffer part = src.duplicate();
      part.limit(Math.min(src.limit(), src.position() + limit));
      int n = real.write(part);
      src.position(src.position() + n);
      throw new IOException("No space left on device");
    }
    return real.write(src);
  }

  @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
  @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
  @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { return real.write(srcs, offset, length); }
  @Override public long position() throws IOException { return real.position(); }
  @Override public FileChannel position(long newPosition) throws IOException { real.position(newPosition); return this; }
  @Override public long size() throws IOException { return real.size(); }
  @Override public FileChannel truncate(long size) throws IOException { real.truncate(size); return this; }
  @Override public void force(boolean metaData) throws IOException { real.force(metaData); }
  @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
    return real.transferTo(position, count, target);
  }
  @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
    return real.transferFrom(src, position, count);
  }
  @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
  @Override public int write(ByteBuffer src, long position) throws IOException { return real.write(src, position); }
  @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return real.map(mode, position, size); }
  @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
  @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
  @Override protected void implCloseChannel() throws IOException { real.close(); }
}
