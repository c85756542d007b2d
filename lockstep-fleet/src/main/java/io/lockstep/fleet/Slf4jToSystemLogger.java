package io.lockstep.fleet;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Sends JmDNS's SLF4J logging to {@link System.Logger}, where the rest of Lockstep logs (the
 * command line shows warnings only, everything with {@code --verbose}). Without a provider SLF4J
 * prints a three-line complaint on every start; a logging back end would cost the agent memory
 * for nothing. Registered through {@code META-INF/services}. Thread-safe and stateless.
 */
public final class Slf4jToSystemLogger implements SLF4JServiceProvider {

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = Bridge::new;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up: each logger looks up its System.Logger when made.
    }

    /** One SLF4J logger backed by the System.Logger of the same name. */
    private static final class Bridge extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient System.Logger target;

        Bridge(String name) {
            this.name = name;
            this.target = System.getLogger(name);
        }

        private static System.Logger.Level map(Level level) {
            return switch (level) {
                case ERROR -> System.Logger.Level.ERROR;
                case WARN -> System.Logger.Level.WARNING;
                case INFO -> System.Logger.Level.INFO;
                case DEBUG -> System.Logger.Level.DEBUG;
                case TRACE -> System.Logger.Level.TRACE;
            };
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable thrown) {
            String message = MessageFormatter.basicArrayFormat(pattern, args);
            if (thrown == null) {
                target.log(map(level), message);
            } else {
                target.log(map(level), message, thrown);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return target.isLoggable(System.Logger.Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return target.isLoggable(System.Logger.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return target.isLoggable(System.Logger.Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return target.isLoggable(System.Logger.Level.WARNING);
        }

        @Override
        public boolean isErrorEnabled() {
            return target.isLoggable(System.Logger.Level.ERROR);
        }
    }
}
