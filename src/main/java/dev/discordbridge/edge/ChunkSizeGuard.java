package dev.discordbridge.edge;

import io.netty.buffer.ByteBuf;

/**
 * Follows the framing of one chunked request body on the raw bytes, ahead of Netty's decoder, to
 * refuse what Netty would misread: Netty reads a chunk size into a 32-bit int, so
 * {@code 100000005} wraps to 5 and the bytes after the fifth would be taken as the next chunk (or
 * the next request) while a proxy in front reads 4 GiB of body. A size line with more than 8
 * significant hex digits (leading zeros do not count) is refused here, before Netty sees it.
 * It only tracks positions (sizes, data, delimiters, trailers); Netty still does the decoding.
 */
final class ChunkSizeGuard {
  /** Significant hex digits a chunk size may have: 8 (up to 0xFFFFFFFF; Netty refuses more than 2^31-1 itself). */
  static final int MAX_SIGNIFICANT_DIGITS = 8;

  private enum State { SIZE, DATA, DATA_END, TRAILER, DONE }

  private State state = State.SIZE;
  /** In a size line: before the digits, in them, or past them (extensions, white space). */
  private int sizePart;
  private int significant;
  private long size;
  private long dataLeft;
  private int trailerLineLength;

  /** A new chunked body starts. */
  void reset() {
    state = State.SIZE;
    sizePart = 0;
    significant = 0;
    size = 0;
    trailerLineLength = 0;
  }

  /** True once the last chunk and the trailers ended: the bytes after belong to the next request. */
  boolean done() {
    return state == State.DONE;
  }

  /**
   * Scans {@code length} bytes of {@code in} from {@code from} (not moving its indexes).
   *
   * @return null when they are well framed so far, else why the body is refused
   */
  String scan(ByteBuf in, int from, int length) {
    int end = from + length;
    for (int i = from; i < end && state != State.DONE; i++) {
      byte b = in.getByte(i);
      switch (state) {
        case SIZE -> {
          String problem = sizeByte(b);
          if (problem != null) {
            return problem;
          }
        }
        case DATA -> {
          long skip = Math.min(dataLeft, end - i);
          dataLeft -= skip;
          i += (int) skip - 1;
          if (dataLeft == 0) {
            state = State.DATA_END;
          }
        }
        case DATA_END -> {
          // Netty skips everything up to the LF after a chunk's data.
          if (b == '\n') {
            state = State.SIZE;
          }
        }
        case TRAILER -> {
          if (b == '\n') {
            if (trailerLineLength == 0) {
              state = State.DONE;
            }
            trailerLineLength = 0;
          } else if (b != '\r') {
            trailerLineLength++;
          }
        }
        default -> { }
      }
    }
    return null;
  }

  private String sizeByte(byte b) {
    if (b == '\n') {
      if (size == 0) {
        state = State.TRAILER;
        trailerLineLength = 0;
      } else {
        state = State.DATA;
        dataLeft = size;
      }
      sizePart = 0;
      significant = 0;
      size = 0;
      return null;
    }
    int digit = Character.digit(b, 16);
    if (sizePart == 0 && (b == ' ' || b == '\t')) {
      return null;
    }
    if (sizePart <= 1 && digit >= 0) {
      sizePart = 1;
      if (significant > 0 || digit > 0) {
        significant++;
        if (significant > MAX_SIGNIFICANT_DIGITS) {
          return "a chunk size of more than " + MAX_SIGNIFICANT_DIGITS + " significant hex digits";
        }
        size = size * 16 + digit;
      }
      return null;
    }
    // Past the digits: an extension (";name=value"), white space or the CR; Netty judges these.
    sizePart = 2;
    return null;
  }
}
