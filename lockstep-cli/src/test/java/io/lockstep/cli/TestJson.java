package io.lockstep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the JSON a command printed into maps, lists, strings, Longs, Doubles, Booleans and
 * null (whole numbers always as Long, so tests compare nanoseconds without caring how large
 * they are). Thread-safe: the mapper is configured once.
 */
final class TestJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private TestJson() {
    }

    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
