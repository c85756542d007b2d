/**
 * Lockstep's core library: measure, track and correct remote clocks, serve time. The exported
 * packages are the API a program is written against; {@code io.lockstep.internal} and its
 * subpackages (estimators, codecs, server policies, the protocol adapters) may change in any
 * release and are not exported. No runtime dependencies beyond the JDK. The packages and the
 * rules between them are listed in docs/architecture.md and checked by the architecture tests.
 */
module io.lockstep.core {
    exports io.lockstep;
    exports io.lockstep.clock;
    exports io.lockstep.correct;
    exports io.lockstep.log;
    exports io.lockstep.measure;
    exports io.lockstep.neon;
    exports io.lockstep.net;
    exports io.lockstep.protocol;
    exports io.lockstep.schedule;
    exports io.lockstep.time;
    exports io.lockstep.track;

    // Kernel receive timestamps for the NTP server come from an optional provider module
    // (lockstep-linux); without one the server stamps in user space.
    uses io.lockstep.net.DatagramTransport;
    // Timer slack and real-time priority for the scheduler's firing thread, from the same module.
    uses io.lockstep.schedule.FiringThreadTuning;
    // The protocol registry finds core's adapters (and any other jar's) as services, so that the
    // registry does not depend on the socket code the adapters wrap.
    uses io.lockstep.protocol.ProtocolProvider;
    provides io.lockstep.protocol.ProtocolProvider with io.lockstep.internal.protocol.StandardProtocols;
}
