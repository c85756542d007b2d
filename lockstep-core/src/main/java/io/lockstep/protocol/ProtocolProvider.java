package io.lockstep.protocol;

import java.util.List;

/**
 * Service-provider interface through which protocols join the {@link Protocols#standard()}
 * registry: core provides NTP, Time Echo and the Companion app this way, and a jar on the class
 * or module path that names its implementation in
 * {@code META-INF/services/io.lockstep.protocol.ProtocolProvider} (or a {@code provides} clause)
 * adds its own schemes without another edit anywhere. Implementations need a public no-argument
 * constructor and must be thread-safe; the registry asks each once per JVM.
 */
public interface ProtocolProvider {

    /** The protocols this provider registers, in the order their forms are listed. */
    List<Protocol> protocols();
}
