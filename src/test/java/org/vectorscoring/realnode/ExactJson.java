package org.vectorscoring.realnode;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;

/**
 * JSON answers parsed with every number kept as the {@link BigDecimal} of its text, so that a float the node printed
 * reads back as exactly that float: parsing it into a double first and narrowing could round twice.
 */
final class ExactJson {

  private ExactJson() {}

  /** The object {@code json} holds, as maps, lists, strings, booleans, nulls and {@link BigDecimal}s. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String json) throws IOException {
    try (XContentParser parser = JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY,
        DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      parser.nextToken();
      return (Map<String, Object>) value(parser);
    }
  }

  /**
   * The float a number printed by the node stands for. OpenSearch prints a float as the shortest decimal that
   * reads back as it, so {@link Float#parseFloat}, correctly rounded, gives back its bits.
   */
  static float toFloat(Object number) {
    return Float.parseFloat(((BigDecimal) number).toString());
  }

  private static Object value(XContentParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (parser.nextToken() == XContentParser.Token.FIELD_NAME) {
          String key = parser.currentName();
          parser.nextToken();
          map.put(key, value(parser));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (parser.nextToken() != XContentParser.Token.END_ARRAY) {
          list.add(value(parser));
        }
        yield list;
      }
      case VALUE_STRING -> parser.text();
      case VALUE_NUMBER -> new BigDecimal(parser.text());
      case VALUE_BOOLEAN -> parser.booleanValue();
      case VALUE_NULL -> null;
      default -> throw new IOException("unexpected " + parser.currentToken() + " at " + parser.getTokenLocation());
    };
  }
}
