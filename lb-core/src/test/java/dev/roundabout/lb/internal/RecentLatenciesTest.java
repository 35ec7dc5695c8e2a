package dev.roundabout.lb.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecentLatenciesTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void everyValue_fallsInABucketWhoseBoundsHoldIt_within12AndAHalfPercent() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < 100_000; i++) {
      long value = 1024 + (random.nextLong() >>> (24 + random.nextInt(30)));
      int bucket = RecentLatencies.bucketOf(value);
      long upper = RecentLatencies.upperBound(bucket);
      long lower = bucket == 0 ? 0 : RecentLatencies.upperBound(bucket - 1) + 1;
      assertThat(value).as("seed 11: %d in bucket %d", value, bucket).isBetween(lower, upper);
      assertThat((double) upper).as("seed 11: %d", value).isLessThanOrEqualTo(value * 1.125 + 1);
    }
  }

  @Test
  void valuesOutsideTheRange_countInTheEndBuckets() {
    assertThat(RecentLatencies.bucketOf(0)).isZero();
    assertThat(RecentLatencies.bucketOf(-5)).isZero();
    assertThat(RecentLatencies.bucketOf(Long.MAX_VALUE)).isEqualTo(RecentLatencies.BUCKETS - 1);
  }

  @Test
  void percentiles_matchTheSortedSamples_withinABucket() {
    SplittableRandom random = new SplittableRandom(5);
    RecentLatencies latencies = new RecentLatencies(10 * SECOND, 0);
    long[] samples = new long[5000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (long) (-Math.log1p(-random.nextDouble()) * 10_000_000); // exponential, mean 10 ms
      latencies.record(samples[i], 0);
    }
    Arrays.sort(samples);
    for (double p : new double[] {50, 90, 95, 99, 99.9}) {
      long exact = samples[(int) Math.ceil(p / 100 * samples.length) - 1];
      assertThat(latencies.percentile(p, 1, 0)).as("seed 5: p%s, exact %d", p, exact)
          .isBetween(exact, (long) (exact * 1.125) + 1);
    }
  }

  @Test
  void aPercentile_isRecomputedOnlyAfterTheRefreshTime() {
    RecentLatencies latencies = new RecentLatencies(10 * SECOND, SECOND / 10);
    latencies.record(1_000_000, 0);
    long first = latencies.percentile(50, 1, 0);
    latencies.record(900_000_000, 1);
    latencies.record(900_000_000, 2);

    assertThat(latencies.percentile(50, 1, SECOND / 20)).as("within the refresh time").isEqualTo(first);
    assertThat(latencies.percentile(50, 1, SECOND / 10)).isGreaterThanOrEqualTo(900_000_000);
  }
}
