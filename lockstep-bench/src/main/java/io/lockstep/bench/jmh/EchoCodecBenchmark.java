package io.lockstep.bench.jmh;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.lockstep.internal.echo.EchoCodec;
import io.lockstep.internal.echo.EchoReply;
import io.lockstep.internal.estimate.EchoEstimator;
import io.lockstep.protocol.OffsetEstimate;
import io.lockstep.protocol.TimeSample;

/**
 * JMH: the per-exchange cost of the Time Echo codec and the cost of turning a 100-sample burst
 * into an estimate. State is per benchmark; JMH owns the threading.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EchoCodecBenchmark {

    private final ByteBuffer request = ByteBuffer.allocate(EchoCodec.REQUEST_BYTES);
    private final ByteBuffer reply = ByteBuffer.allocate(EchoCodec.REPLY_BYTES);
    private final long[] scratch = new long[1];
    private List<TimeSample> burst;
    private final EchoEstimator estimator = new EchoEstimator();

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        burst = new ArrayList<>();
        long t = 1_767_225_600_000_000_000L;
        for (int i = 0; i < 100; i++) {
            t += 1_000_000L + rnd.nextInt(1_000_000);
            long server = Math.floorDiv(t + 20_000 - 137_500_000L, 1_000_000L) * 1_000_000L;
            burst.add(new TimeSample(t, server, server, t + 40_000 + rnd.nextInt(100_000), 1_000_000L));
        }
    }

    @Benchmark
    public long answerOneRequest() {
        request.clear();
        EchoCodec.writeRequest(request, 1_767_225_600_123L);
        request.flip();
        EchoCodec.readRequest(request, scratch);
        reply.clear();
        EchoCodec.writeReply(reply, scratch[0], 1_767_225_600_124L);
        reply.flip();
        EchoReply r = EchoCodec.readReply(reply);
        return r.serverMillis();
    }

    @Benchmark
    public OffsetEstimate estimateBurstOf100() {
        return estimator.estimate("bench", "echo", burst, 0);
    }
}
