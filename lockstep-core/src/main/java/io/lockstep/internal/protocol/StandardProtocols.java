package io.lockstep.internal.protocol;

import java.util.List;

import io.lockstep.protocol.Protocol;
import io.lockstep.protocol.ProtocolProvider;

/**
 * Core's own {@link ProtocolProvider}: NTP, Time Echo and the Pupil Labs Companion app, in the
 * order the command line lists them. Found by {@link java.util.ServiceLoader}, so the registry
 * in {@code io.lockstep.protocol} does not depend on the adapters (which depend on the sockets in
 * {@code io.lockstep.net}). Stateless, thread-safe.
 */
public final class StandardProtocols implements ProtocolProvider {

    /** Public for {@link java.util.ServiceLoader}. */
    public StandardProtocols() {
    }

    @Override
    public List<Protocol> protocols() {
        return List.of(NtpProtocol.INSTANCE, EchoProtocol.INSTANCE, NeonProtocol.INSTANCE);
    }
}
