package io.lockstep.cli;

import io.lockstep.fleet.JsonText;

/**
 * Writes the JSON that {@code --json} prints, one compact line per value, from maps (in their
 * iteration order), iterables, strings, numbers, booleans and null; anything else is written as
 * its {@code toString()}. Doubles are written in the shortest form that reads back to the same
 * bits, so nothing is rounded (an offset of −1234.5678 ms prints as {@code -1234.5678}); longs
 * are exact. JSON has no NaN or Infinity: such numbers are written as {@code null}, which is how
 * the commands document an unknown figure. The writing is the fleet's {@link JsonText}, so the
 * CLI and the fleet's HTTP documents format numbers alike. Stateless and thread-safe.
 */
final class JsonOutput {

    private JsonOutput() {
    }

    /** The value as one line of JSON. */
    static String write(Object value) {
        return JsonText.write(value);
    }
}
