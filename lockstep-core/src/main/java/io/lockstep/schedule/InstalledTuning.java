package io.lockstep.schedule;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Holds the {@link FiringThreadTuning} that {@link ServiceLoader} finds, loaded once per JVM and
 * lazily, so a JVM that never schedules never touches a provider's native code. Thread-safe (class
 * initialisation publishes it).
 */
final class InstalledTuning {

    static final FiringThreadTuning TUNING = load();

    private InstalledTuning() {
    }

    private static FiringThreadTuning load() {
        try {
            for (FiringThreadTuning t : ServiceLoader.load(FiringThreadTuning.class,
                    FiringThreadTuning.class.getClassLoader())) {
                return t;
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            // A provider whose own dependencies are missing (e.g. the JNA jar) is as good as absent.
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String line = why.replace('\n', ' ').strip();
            return () -> new FiringThreadTuning.Applied("scheduler: normal priority, default timer slack"
                    + " (firing-thread tuning not loadable: " + line + ")", false);
        }
        return FiringThreadTuning.NONE;
    }
}
