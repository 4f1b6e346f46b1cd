package dev.discordbridge.ops;

import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * Parser limits for every JSON document Vert.x decodes (request bodies, link frames): bounded
 * nesting, string and number lengths, so that a hostile document cannot cost deep recursion or
 * huge numbers. Vert.x's {@code JsonObject} parsing and {@link DatabindCodec#mapper()} share one
 * Jackson factory, so setting it there covers both. Call once at start-up; idempotent.
 */
public final class JsonLimits {
  private JsonLimits() {}

  public static final int MAX_NESTING_DEPTH = 64;
  public static final int MAX_STRING_LENGTH = 1_048_576;
  public static final int MAX_NUMBER_LENGTH = 64;

  public static StreamReadConstraints constraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxStringLength(MAX_STRING_LENGTH)
        .maxNumberLength(MAX_NUMBER_LENGTH)
        .build();
  }

  public static void apply() {
    StreamReadConstraints c = constraints();
    DatabindCodec.mapper().getFactory().setStreamReadConstraints(c);
    StreamReadConstraints.overrideDefaultStreamReadConstraints(c);
  }
}
