package io.lockstep.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.lockstep.net.EchoProtocol;
import io.lockstep.net.NeonProtocol;
import io.lockstep.net.NtpProtocol;

/**
 * The protocols a {@link Target} may name, by scheme: the one registration point. The
 * {@link #standard()} registry holds NTP, Time Echo and the Pupil Labs Companion app; a program
 * (or a test) with a protocol of its own extends it with {@link #with(Protocol)} and parses its
 * targets through the extended registry. Immutable and thread-safe.
 */
public final class Protocols {

    private static final Protocols STANDARD =
            new Protocols(List.of(NtpProtocol.INSTANCE, EchoProtocol.INSTANCE, NeonProtocol.INSTANCE));

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

    /** NTP ({@code ntp://}), Time Echo ({@code echo://}) and the Companion app ({@code neon://}). */
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
