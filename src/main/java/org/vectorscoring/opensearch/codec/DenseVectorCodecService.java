package org.vectorscoring.opensearch.codec;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.lucene.codecs.Codec;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.codec.CodecService;
import org.opensearch.index.codec.CodecServiceConfig;
import org.opensearch.index.codec.CodecServiceFactory;
import org.opensearch.index.mapper.MapperService;
import org.vectorscoring.lucene.DenseVectorCodec;
import org.vectorscoring.opensearch.VectorScoringSettings;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * OpenSearch's codecs for an index, each wrapped in a {@link DenseVectorCodec} so {@code dense_vector} fields are written
 * in the format scoring reads in place. Every other field, and every setting such as {@code index.codec}, is handled
 * exactly as without the plugin; segments keep OpenSearch's codec names.
 */
public final class DenseVectorCodecService extends CodecService {

  /** Name of the k-NN plugin's index setting: an index with it set gets k-NN's codec service, which excludes ours. */
  static final String KNN_INDEX_SETTING = "index.knn";

  private final MapperService mapperService;
  private final Map<String, Codec> wrapped = new ConcurrentHashMap<>();

  private DenseVectorCodecService(CodecServiceConfig config) {
    super(config.getMapperService(), config.getIndexSettings(), config.getLogger(), config.getAdditionalCodecs());
    this.mapperService = config.getMapperService();
  }

  /**
   * The factory for an index, or empty when {@link VectorScoringSettings#INDEX_CODEC} is off or the index is a k-NN
   * index: OpenSearch allows one plugin's codec service per index, and such an index reads its vectors by copying them.
   */
  public static Optional<CodecServiceFactory> factoryFor(IndexSettings indexSettings) {
    if (VectorScoringSettings.INDEX_CODEC.get(indexSettings.getSettings()) == false
        || indexSettings.getSettings().getAsBoolean(KNN_INDEX_SETTING, false)) {
      return Optional.empty();
    }
    return Optional.of(DenseVectorCodecService::new);
  }

  @Override
  public Codec codec(String name) {
    Codec codec = super.codec(name);
    // Without a mapper service (some tools open shards without one) fields cannot be told apart: leave the codec alone.
    if (mapperService == null || DenseVectorCodec.canWrap(codec) == false) {
      return codec;
    }
    return wrapped.computeIfAbsent(name, n -> new DenseVectorCodec(codec, this::isDenseVector));
  }

  private boolean isDenseVector(String field) {
    return mapperService.fieldType(field) instanceof DenseVectorFieldType;
  }
}
