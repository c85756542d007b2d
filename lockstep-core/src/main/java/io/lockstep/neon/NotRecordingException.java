package io.lockstep.neon;

import java.io.IOException;

/**
 * An event was not posted because the phone reported no running recording: the Companion app
 * keeps events only inside a recording and silently drops the rest. Immutable.
 */
public final class NotRecordingException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The one-line reason, as {@code lockstep event} prints it. */
    public static final String MESSAGE = "not recording: the app would drop this event";

    public NotRecordingException() {
        super(MESSAGE);
    }
}
