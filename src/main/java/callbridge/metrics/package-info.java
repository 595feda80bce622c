/**
 * The server's metrics, by hand and without a metrics library: {@link callbridge.metrics.Counter}s (one
 * with a label, {@link callbridge.metrics.LabeledCounter}), {@link callbridge.metrics.Gauge}s read when
 * scraped, and {@link callbridge.metrics.Histogram}s with fixed buckets, all registered in a
 * {@link callbridge.metrics.MetricRegistry} that {@link callbridge.metrics.PrometheusText} writes in the
 * Prometheus text exposition format for {@code GET /metrics}. Counting and observing take no lock and
 * allocate nothing, so the per-media-frame path can afford them. Each layer registers what it measures in the
 * registry it is handed; there is no global registry, so a test gets a fresh one.
 *
 * <p>Depends on the JDK only; any package may use it.
 */
package callbridge.metrics;
