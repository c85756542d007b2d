package io.lockstep.bench.jmh;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.lockstep.time.TimeSource;

/**
 * JMH: the cost of reading the clock, which bounds how tightly a timestamp can be taken. Compares
 * Lockstep's system source with the JDK's own reads. Each benchmark method is independent; JMH
 * owns the threading.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class ClockReadBenchmark {

    private final TimeSource system = TimeSource.system();

    @Benchmark
    public long lockstepWallNanos() {
        return system.wallNanos();
    }

    @Benchmark
    public long jdkNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    public Instant jdkInstantNow() {
        return Instant.now();
    }
}
