package io.lockstep.sim;

import java.util.function.Consumer;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One WebSocket client of the stand-in Companion app's {@code /api/status}: the app pushes one
 * text message per component ({@code {"model": ..., "data": ...}}, the shape of one entry of the
 * status list) and reads nothing from the client but control frames. Jetty's core WebSocket
 * session does the framing; this answers pings (Python's websockets client pings every 20 s
 * and drops a connection that does not answer) and tells its owner when the connection opens
 * and closes. Thread-safe: Jetty queues frames sent from several threads in order.
 */
final class StatusSocket implements FrameHandler {

    private final Consumer<StatusSocket> onOpen;
    private final Consumer<StatusSocket> onClose;
    private volatile CoreSession session;

    StatusSocket(Consumer<StatusSocket> onOpen, Consumer<StatusSocket> onClose) {
        this.onOpen = onOpen;
        this.onClose = onClose;
    }

    /** Queues one text message; a closed connection drops it. */
    void send(String text) {
        CoreSession s = session;
        if (s != null && !s.isClosed()) {
            s.sendFrame(new Frame(OpCode.TEXT, text), Callback.NOOP, false);
        }
    }

    /** Closes the connection as a server going away does. */
    void close() {
        CoreSession s = session;
        if (s != null) {
            s.close(CloseStatus.SHUTDOWN, "app stopped", Callback.NOOP);
        }
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        callback.succeeded();
        onOpen.accept(this);
        coreSession.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte opCode = frame.getOpCode();
        if (opCode == OpCode.PING) {
            session.sendFrame(new Frame(OpCode.PONG).setPayload(frame.getPayload()), callback, false);
        } else {
            callback.succeeded();
        }
        if (opCode != OpCode.CLOSE) {
            session.demand();
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        onClose.accept(this);
        callback.succeeded();
    }
}
