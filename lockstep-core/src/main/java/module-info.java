/**
 * Lockstep's core library: measure, track and correct remote clocks, serve time. The exported
 * packages are the public API; {@code io.lockstep.internal} holds helpers that may change in
 * any release and is not exported. No runtime dependencies beyond the JDK.
 */
module io.lockstep.core {
    exports io.lockstep;
    exports io.lockstep.clock;
    exports io.lockstep.correct;
    exports io.lockstep.echo;
    exports io.lockstep.estimate;
    exports io.lockstep.log;
    exports io.lockstep.measure;
    exports io.lockstep.neon;
    exports io.lockstep.net;
    exports io.lockstep.ntp;
    exports io.lockstep.protocol;
    exports io.lockstep.schedule;
    exports io.lockstep.time;
    exports io.lockstep.track;

    // Kernel receive timestamps for the NTP server come from an optional provider module
    // (lockstep-linux); without one the server stamps in user space.
    uses io.lockstep.net.DatagramTransport;
    // Timer slack and real-time priority for the scheduler's firing thread, from the same module.
    uses io.lockstep.schedule.FiringThreadTuning;
}
