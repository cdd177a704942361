package org.vectorscoring.opensearch.mapper;

import java.util.Map;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.common.Nullable;
import org.opensearch.index.mapper.Mapper;
import org.opensearch.index.mapper.MapperService;

/**
 * Tells whether a {@code dense_vector} field is already in the mapping the cluster state records for its index. A
 * mapping is parsed the same way whether it is new or being recovered (OpenSearch hands mappers no merge reason),
 * so this is how {@code vector_scoring.max_dims} spares fields accepted before a node's limit was lowered.
 */
final class RecordedMapping {

  private RecordedMapping() {}

  /** Whether the index's recorded mapping has {@code fullName} as a {@code dense_vector} of {@code dims}. */
  static boolean hasVectorField(@Nullable Mapper.TypeParser.ParserContext context, String fullName, int dims) {
    MapperService mapperService = context == null ? null : context.mapperService();
    IndexMetadata index = mapperService == null ? null : mapperService.getIndexSettings().getIndexMetadata();
    MappingMetadata mapping = index == null ? null : index.mapping();
    if (mapping == null) {
      return false;
    }
    Object field = find(mapping.sourceAsMap(), fullName.split("\\."), 0);
    return field instanceof Map<?, ?> definition && DenseVectorFieldMapper.CONTENT_TYPE.equals(definition.get("type"))
        && definition.get("dims") instanceof Number recorded && recorded.intValue() == dims;
  }

  // An object's properties are keyed by one path part, or by several joined with dots under disable_objects.
  private static Object find(Object object, String[] path, int from) {
    if (object instanceof Map<?, ?> map && map.get("properties") instanceof Map<?, ?> properties) {
      StringBuilder key = new StringBuilder();
      for (int end = from; end < path.length; end++) {
        key.append(end == from ? "" : ".").append(path[end]);
        Object child = properties.get(key.toString());
        Object found = end == path.length - 1 ? child : find(child, path, end + 1);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
