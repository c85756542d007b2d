package io.lockstep.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;


/**
 * The protocols a {@link Target} may name, by scheme: the one registration point. The
 * {@link #standard()} registry holds NTP, Time Echo and the Pupil Labs Companion app, and every
 * protocol a {@link ProtocolProvider} on the class or module path registers; a program (or a
 * test) with a protocol of its own can also extend it with {@link #with(Protocol)} and parse its
 * targets through the extended registry. Immutable and thread-safe.
 *
 * <p>Core's own adapters are found through {@link ServiceLoader} too, so this package does not
 * depend on the socket code they wrap.
 */
public final class Protocols {

    /** Core's provider, named by its class so that this package does not import the adapters. */
    private static final String CORE_PROVIDER = "io.lockstep.internal.protocol.StandardProtocols";

    private static final Protocols STANDARD = new Protocols(loadProviders());

    private final Map<String, Protocol> byScheme;

    private Protocols(List<Protocol> protocols) {
        Map<String, Protocol> m = new LinkedHashMap<>();
        for (Protocol p : protocols) {
            String scheme = p.scheme();
            if (scheme == null || !scheme.matches("[a-z][a-z0-9+.-]*")) {
                throw new IllegalArgumentException("scheme '" + scheme + "' is not a lower-case URL scheme");
            }
            if (m.putIfAbsent(scheme, p) != null) {
                throw new IllegalArgumentException("scheme '" + scheme + "' is registered twice");
            }
            if (p.defaultPort() < 0 || p.defaultPort() > 65535) {
                throw new IllegalArgumentException("default port of " + scheme + " is out of range");
            }
        }
        this.byScheme = m;
    }

    /**
     * Core's protocols first (in their fixed order), then those of other providers by provider
     * class name, so the order never depends on the class path. Should a repackaged jar have lost
     * core's service file, core's provider is still instantiated by name.
     */
    private static List<Protocol> loadProviders() {
        Map<String, ProtocolProvider> byClass = new java.util.TreeMap<>();
        for (ProtocolProvider p : ServiceLoader.load(ProtocolProvider.class, Protocols.class.getClassLoader())) {
            byClass.putIfAbsent(p.getClass().getName(), p);
        }
        ProtocolProvider core = byClass.remove(CORE_PROVIDER);
        if (core == null) {
            try {
                core = (ProtocolProvider) Class.forName(CORE_PROVIDER).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("core's protocols are missing from this build", e);
            }
        }
        List<Protocol> all = new ArrayList<>(core.protocols());
        for (ProtocolProvider p : byClass.values()) {
            all.addAll(p.protocols());
        }
        return all;
    }

    /** NTP ({@code ntp://}), Time Echo ({@code echo://}) and the Companion app ({@code neon://}), then what other providers register. */
    public static Protocols standard() {
        return STANDARD;
    }

    /** This registry plus {@code protocol}, whose scheme must be new. */
    public Protocols with(Protocol protocol) {
        List<Protocol> all = new ArrayList<>(byScheme.values());
        all.add(protocol);
        return new Protocols(all);
    }

    /** The protocol registered for {@code scheme} (any case). */
    public Optional<Protocol> find(String scheme) {
        return Optional.ofNullable(byScheme.get(scheme.toLowerCase(Locale.ROOT)));
    }

    /** The forms of all registered targets, e.g. {@code ntp://HOST[:PORT], echo://HOST:PORT or …}. */
    public String forms() {
        List<String> forms = new ArrayList<>();
        for (Protocol p : byScheme.values()) {
            forms.add(p.form());
        }
        if (forms.size() == 1) {
            return forms.get(0);
        }
        return String.join(", ", forms.subList(0, forms.size() - 1)) + " or " + forms.get(forms.size() - 1);
    }

    /** Parses a target whose scheme is one of these protocols; see {@link Target#parse(String, Protocols)}. */
    public Target parse(String text) {
        return Target.parse(text, this);
    }
}
