package org.vectorscoring.opensearch;

import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.opensearch.common.settings.Setting;
import org.opensearch.common.settings.Setting.Property;
import org.opensearch.common.settings.Settings;
import org.vectorscoring.kernel.VectorKernel;

/**
 * The plugin's settings: node settings, documented with their defaults in {@code config/vector-scoring.yml}, and one
 * index setting.
 */
public final class VectorScoringSettings {

  /** The most dimensions a vector may have, whatever a node is configured to allow. */
  public static final int DIMS_LIMIT = 16384;

  /** Whether to score with the SIMD kernel where the JVM supports it; false forces the scalar kernel. */
  public static final Setting<Boolean> SIMD_ENABLED = Setting.boolSetting("vector_scoring.simd.enabled", true, Property.NodeScope);

  /** The most rows (and columns) a {@code similarity_matrix} aggregation may ask for. */
  public static final Setting<Integer> MATRIX_MAX_SIZE =
      Setting.intSetting("vector_scoring.matrix.max_size", 1000, 1, Property.NodeScope);

  /** The most dimensions a {@code dense_vector} mapping may declare on this node. */
  public static final Setting<Integer> MAX_DIMS =
      Setting.intSetting("vector_scoring.max_dims", DIMS_LIMIT, 1, DIMS_LIMIT, Property.NodeScope);

  /**
   * Whether an index's {@code dense_vector} fields are written in the doc values format that scoring reads in place
   * (through the plugin's codec service). Fixed at index creation; ignored, as if false, on k-NN indices.
   */
  public static final Setting<Boolean> INDEX_CODEC =
      Setting.boolSetting("index.vector_scoring.codec", true, Property.IndexScope, Property.Final);

  private final VectorKernel kernel;
  private final int matrixMaxSize;
  private final int maxDims;

  public VectorScoringSettings(Settings settings) {
    this.kernel = VectorKernel.select(SIMD_ENABLED.get(settings));
    LogManager.getLogger(VectorScoringSettings.class).info("vector scoring kernel: [{}] ({}: {})", kernel.name(), SIMD_ENABLED.getKey(),
        SIMD_ENABLED.get(settings));
    this.matrixMaxSize = MATRIX_MAX_SIZE.get(settings);
    this.maxDims = MAX_DIMS.get(settings);
  }

  /** Every setting, for the plugin to register. */
  public static List<Setting<?>> all() {
    return List.of(SIMD_ENABLED, MATRIX_MAX_SIZE, MAX_DIMS, INDEX_CODEC);
  }

  /** The kernel this node scores with, as {@link #SIMD_ENABLED} and the JVM allow. */
  public VectorKernel kernel() {
    return kernel;
  }

  public int matrixMaxSize() {
    return matrixMaxSize;
  }

  public int maxDims() {
    return maxDims;
  }
}
