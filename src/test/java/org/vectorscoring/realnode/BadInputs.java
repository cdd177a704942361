package org.vectorscoring.realnode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random malformed requests, one generator per feature, against an index {@code docs} whose {@code dense_vector}
 * field {@code v} has {@code dims} dimensions (and a keyword {@code tag}, an integer {@code rank}). Each request says
 * which statuses may answer it and which words the error's reasons must contain (any one of them): the field or
 * parameter at fault, so that a user can tell what to fix.
 */
final class BadInputs {

  /**
   * A request that must fail.
   *
   * @param feature the generator that made it: mapping, document, query, script, painless, matrix or stats
   * @param kind what is wrong with it, e.g. {@code query_vector: element is a string}
   * @param statuses the statuses it may answer (4xx only)
   * @param mentions the reasons must contain one of these
   */
  record Malformed(String feature, String kind, String method, String path, String body, Set<Integer> statuses, List<String> mentions) {

    @Override
    public String toString() {
      return feature + " / " + kind + ": " + method + " " + path + " " + abbreviate(body);
    }
  }

  /** What is wrong with a vector, and its JSON. */
  private record BadVector(String kind, String json) {}

  /** A bad value for a parameter: what is wrong with it, for the summary, and its JSON. */
  private record Choice(String kind, String json) {}

  static final List<String> FEATURES = List.of("mapping", "document", "query", "script", "painless", "matrix", "stats");

  private static final Set<Integer> BAD_REQUEST = Set.of(400);
  private static final String SEARCH = "/docs/_search";

  private final Random random;
  private final int dims;
  private final String similarity;
  private int serial;

  /** For an index {@code docs} whose field {@code v} has {@code dims} dimensions and {@code similarity}. */
  BadInputs(Random random, int dims, String similarity) {
    this.random = random;
    this.dims = dims;
    this.similarity = similarity;
  }

  /** A malformed request of a random feature. */
  Malformed next() {
    return switch (FEATURES.get(random.nextInt(FEATURES.size()))) {
      case "mapping" -> mapping();
      case "document" -> document();
      case "query" -> query();
      case "script" -> script();
      case "painless" -> painless();
      case "matrix" -> matrix();
      default -> stats();
    };
  }

  // --- mapping -----------------------------------------------------------------------------------------------------

  private String otherSimilarity() {
    List<String> others = new ArrayList<>(List.of("cosine", "dot_product", "l2"));
    others.remove(similarity);
    return others.get(random.nextInt(others.size()));
  }

  /** A {@code dense_vector} mapping that cannot be, for a new index {@code bad-mapping-<n>} or as an update of {@code v}. */
  Malformed mapping() {
    String definition;
    String kind;
    String mention;
    switch (random.nextInt(5)) {
      case 0 -> {
        kind = "dims: missing";
        definition = "{\"type\": \"dense_vector\"}";
        mention = "dims";
      }
      case 1 -> {
        Choice value = choose(c("out of range", "0"), c("out of range", "-" + (1 + random.nextInt(1000))),
            c("out of range", Integer.toString(16385 + random.nextInt(100000))), c("beyond an int", "2147483648"),
            c("beyond an int", "-2147483649"), c("beyond an int", "1e39"), c("not whole", "1.5"), c("wrong type", "\"four\""),
            c("wrong type", "\"\""), c("wrong type", "true"), c("wrong type", "[4]"), c("wrong type", "{\"a\": 4}"), c("null", "null"));
        kind = "dims: " + value.kind();
        definition = "{\"type\": \"dense_vector\", \"dims\": " + value.json() + "}";
        mention = "dims";
      }
      case 2 -> {
        Choice value = badSimilarity();
        kind = "similarity: " + value.kind();
        definition = "{\"type\": \"dense_vector\", \"dims\": " + dims + ", \"similarity\": " + value.json() + "}";
        mention = "similarity";
      }
      case 3 -> {
        String name = "p_" + word();
        kind = "unknown parameter";
        definition = "{\"type\": \"dense_vector\", \"dims\": " + dims + ", \"" + name + "\": " + anyValue() + "}";
        mention = name;
      }
      default -> {
        // An update of the existing field: dims and similarity are fixed once set.
        boolean changeDims = random.nextBoolean();
        kind = changeDims ? "update: dims" : "update: similarity";
        String definition2 = changeDims ? "{\"type\": \"dense_vector\", \"dims\": " + (dims + 1 + random.nextInt(10)) + "}"
            : "{\"type\": \"dense_vector\", \"dims\": " + dims + ", \"similarity\": \"" + otherSimilarity() + "\"}";
        return new Malformed("mapping", kind, "PUT", "/docs/_mapping", "{\"properties\": {\"v\": " + definition2 + "}}", BAD_REQUEST,
            List.of(changeDims ? "Cannot update parameter [dims]" : "Cannot update parameter [similarity]"));
      }
    }
    return new Malformed("mapping", kind, "PUT", "/bad-mapping-" + serial++, "{\"mappings\": {\"properties\": {\"v\": " + definition + "}}}",
        BAD_REQUEST, List.of(mention));
  }

  // --- document ----------------------------------------------------------------------------------------------------

  /** A document whose vector is wrong, after a valid field, so that a half-parsed document would show. */
  Malformed document() {
    BadVector bad = badVector(false);
    String body = "{\"tag\": \"bad\", \"rank\": " + random.nextInt(1000) + ", \"v\": " + bad.json() + "}";
    String method = random.nextBoolean() ? "PUT" : "POST";
    String path = method.equals("PUT") ? "/docs/_doc/bad-" + serial++ : "/docs/_doc";
    return new Malformed("document", "v: " + bad.kind(), method, path, body, BAD_REQUEST, mentionsFor(bad, "[v]"));
  }

  // --- vector_similarity -------------------------------------------------------------------------------------------

  Malformed query() {
    String vector = goodVector();
    String kind;
    String query;
    List<String> mentions;
    switch (random.nextInt(11)) {
      case 0, 1, 2 -> {
        BadVector bad = badVector(true);
        kind = "query_vector: " + bad.kind();
        query = "{\"field\": \"v\", \"query_vector\": " + bad.json() + "}";
        mentions = mentionsFor(bad, "query_vector", "query vector");
      }
      case 3 -> {
        kind = "query_vector: zeros with cosine";
        query = "{\"field\": \"v\", \"similarity\": \"cosine\", \"query_vector\": " + zeros() + "}";
        mentions = List.of("all zeros");
      }
      case 4 -> {
        Choice field = badField();
        kind = "field: " + field.kind();
        query = (field.json() == null ? "{" : "{\"field\": " + field.json() + ", ") + "\"query_vector\": " + vector + "}";
        mentions = List.of("field");
      }
      case 5 -> {
        kind = "query_vector: missing";
        query = "{\"field\": \"v\"}";
        mentions = List.of("query_vector");
      }
      case 6 -> {
        String parameter = pick("similarity", "min_similarity", "boost", "ignore_unmapped");
        Choice value = switch (parameter) {
          case "similarity" -> badSimilarity();
          case "min_similarity" -> choose(c("not a number", "\"high\""), c("not a number", "true"), c("beyond a float", "1e39"),
              c("beyond a float", "-1e39"), c("wrong type", "[0.5]"), c("wrong type", "{\"a\": 1}"), c("null", "null"));
          case "boost" -> choose(c("not a number", "\"high\""), c("negative", "-1"), c("negative", "-0.5"), c("beyond a float", "1e39"),
              c("wrong type", "[2]"), c("wrong type", "{\"a\": 1}"));
          default -> choose(c("not a boolean", "\"maybe\""), c("wrong type", "[true]"), c("wrong type", "{\"a\": 1}"));
        };
        kind = parameter + ": " + value.kind();
        query = "{\"field\": \"v\", \"query_vector\": " + vector + ", \"" + parameter + "\": " + value.json() + "}";
        mentions = List.of(parameter);
      }
      case 7 -> {
        String filter = pick("5", "\"tag:a\"", "[{\"match_all\": {}}]", "true");
        kind = "filter: not an object";
        query = "{\"field\": \"v\", \"query_vector\": " + vector + ", \"filter\": " + filter + "}";
        mentions = List.of("filter");
      }
      case 8 -> {
        String unknown = "q_" + word();
        kind = "filter: unknown query";
        query = "{\"field\": \"v\", \"query_vector\": " + vector + ", \"filter\": {\"" + unknown + "\": {}}}";
        mentions = List.of(unknown);
      }
      case 9 -> {
        String unknown = "p_" + word();
        kind = "unknown parameter";
        query = "{\"field\": \"v\", \"query_vector\": " + vector + ", \"" + unknown + "\": " + anyValue() + "}";
        mentions = List.of(unknown);
      }
      default -> {
        // Not an object at all, or a request size no search can have.
        if (random.nextBoolean()) {
          String notObject = pick("[]", "\"v\"", "5", "null");
          return new Malformed("query", "vector_similarity: not an object", "POST", SEARCH, "{\"query\": {\"vector_similarity\": "
              + notObject + "}}", BAD_REQUEST, List.of("vector_similarity"));
        }
        // OpenSearch parses the search's own size; beyond an int, or not a number, its message names the value only.
        Choice size = choose(c("beyond an int", "2147483648"), c("beyond an int", "-2147483649"), c("negative", "-1"),
            c("not a number", "\"many\""));
        return new Malformed("query", "search size: " + size.kind(), "POST", SEARCH, "{\"size\": " + size.json() + ", \"query\": "
            + "{\"vector_similarity\": {\"field\": \"v\", \"query_vector\": " + vector + "}}}", BAD_REQUEST,
            List.of("size", size.json()));
      }
    }
    return new Malformed("query", kind, "POST", SEARCH, "{\"query\": {\"vector_similarity\": " + query + "}}", BAD_REQUEST, mentions);
  }

  // --- vector_scoring scripts --------------------------------------------------------------------------------------

  Malformed script() {
    String source = pick("cosine", "dot_product", "l2");
    String params;
    String kind;
    List<String> mentions;
    switch (random.nextInt(7)) {
      case 0, 1, 2 -> {
        BadVector bad = badVector(true);
        kind = "params.query_vector: " + bad.kind();
        params = "{\"field\": \"v\", \"query_vector\": " + bad.json() + "}";
        // Script params are parsed by OpenSearch, which names NaN and too deep nesting itself.
        mentions = bad.kind().startsWith("element is a JSON literal") ? List.of("Non-standard token")
            : mentionsFor(bad, "query_vector", "query vector", "params");
      }
      case 3 -> {
        Choice field = badField();
        kind = "params.field: " + field.kind();
        params = (field.json() == null ? "{" : "{\"field\": " + field.json() + ", ") + "\"query_vector\": " + goodVector() + "}";
        mentions = List.of("field");
      }
      case 4 -> {
        kind = "params.query_vector: missing or zeros with cosine";
        boolean missing = random.nextBoolean();
        source = missing ? source : "cosine";
        params = missing ? "{\"field\": \"v\"}" : "{\"field\": \"v\", \"query_vector\": " + zeros() + "}";
        mentions = List.of(missing ? "query_vector" : "all zeros");
      }
      case 5 -> {
        source = pick("hamming", "COSINE", "", "cosine ", "jaccard", "dot", word());
        kind = "source: unknown";
        params = "{\"field\": \"v\", \"query_vector\": " + goodVector() + "}";
        mentions = List.of("script source");
      }
      default -> {
        String notObject = pick("5", "[1, 2]", "\"v\"");
        kind = "params: not an object";
        params = notObject;
        mentions = List.of("params");
      }
    }
    String body = "{\"query\": {\"script_score\": {\"query\": {\"match_all\": {}}, \"script\": {\"lang\": \"vector_scoring\", "
        + "\"source\": \"" + source + "\", \"params\": " + params + "}}}}";
    if (random.nextInt(10) == 0) {
      // The engine scores documents and nothing else.
      body = "{\"script_fields\": {\"s\": {\"script\": {\"lang\": \"vector_scoring\", \"source\": \"cosine\", \"params\": {\"field\": \"v\", "
          + "\"query_vector\": " + goodVector() + "}}}}}";
      return new Malformed("script", "used outside script_score", "POST", SEARCH, body, BAD_REQUEST, List.of("cannot be used as"));
    }
    return new Malformed("script", kind, "POST", SEARCH, body, BAD_REQUEST, mentions);
  }

  // --- Painless functions ------------------------------------------------------------------------------------------

  Malformed painless() {
    String function = pick("cosineSimilarity", "dotProduct", "l2norm");
    String field = "'v'";
    String params;
    String kind;
    List<String> mentions;
    switch (random.nextInt(5)) {
      case 0, 1 -> {
        BadVector bad = badVector(true);
        kind = "query vector: " + bad.kind();
        params = "{\"qv\": " + bad.json() + "}";
        mentions = bad.kind().startsWith("element is a JSON literal") ? List.of("Non-standard token")
            : bad.kind().startsWith("not an array") ? List.of("query vector", "cast")
            : mentionsFor(bad, "query vector", "params");
      }
      case 2 -> {
        kind = "query vector: zeros or missing";
        boolean missing = random.nextBoolean();
        function = missing ? function : "cosineSimilarity";
        params = missing ? "{}" : "{\"qv\": " + zeros() + "}";
        mentions = List.of(missing ? "query vector" : "all zeros");
      }
      case 3 -> {
        String name = pick("nope", "tag", "rank", "");
        kind = "field: " + (name.isEmpty() ? "empty" : name.equals("nope") ? "unmapped" : "not a dense_vector");
        field = "'" + name + "'";
        params = "{\"qv\": " + goodVector() + "}";
        mentions = name.isEmpty() ? List.of("[]") : List.of(name);
      }
      default -> {
        // The field name from params, of the wrong type: Painless itself refuses the call.
        kind = "field: not a string";
        field = "params.f";
        params = "{\"qv\": " + goodVector() + ", \"f\": " + pick("5", "[\"v\"]", "true") + "}";
        mentions = List.of("cast");
      }
    }
    String body = "{\"query\": {\"script_score\": {\"query\": {\"exists\": {\"field\": \"v\"}}, \"script\": {\"source\": \"" + function
        + "(params.qv, " + field + ")\", \"params\": " + params + "}}}}";
    return new Malformed("painless", kind, "POST", SEARCH, body, BAD_REQUEST, mentions);
  }

  // --- similarity_matrix -------------------------------------------------------------------------------------------

  Malformed matrix() {
    String kind;
    String aggregation;
    List<String> mentions;
    switch (random.nextInt(9)) {
      case 0, 1 -> {
        boolean columns = random.nextBoolean();
        Choice value = choose(c("below 1", "0"), c("below 1", "-" + (1 + random.nextInt(100))), c("beyond an int", "-3000000000"),
            c("beyond an int", "2147483648"), c("beyond an int", "1e30"), c("beyond an int", "99999999999999999999999"),
            c("above max_size", Integer.toString(1001 + random.nextInt(100000))), c("not whole", "1.5"), c("wrong type", "\"10\""),
            c("wrong type", "true"), c("wrong type", "[5]"), c("wrong type", "{\"a\": 5}"), c("null", "null"));
        kind = (columns ? "columns.size: " : "size: ") + value.kind();
        aggregation = columns ? "{\"field\": \"v\", \"columns\": {\"filter\": {\"match_all\": {}}, \"size\": " + value.json() + "}}"
            : "{\"field\": \"v\", \"size\": " + value.json() + "}";
        mentions = List.of(columns ? "size" : "[size]"); // a bad columns.size may be named as [columns] ... [size]
      }
      case 2 -> {
        String parameter = pick("field", "key", "similarity");
        Choice value = switch (parameter) {
          case "field" -> badField();
          case "key" -> choose(c("unmapped", "\"nope\""), c("not a keyword", "\"rank\""), c("not a keyword", "\"v\""),
              c("wrong type", "[\"tag\"]"), c("null", "null"));
          default -> badSimilarity();
        };
        kind = parameter + ": " + value.kind();
        aggregation = parameter.equals("field")
            ? (value.json() == null ? "{\"size\": 3}" : "{\"field\": " + value.json() + "}")
            : "{\"field\": \"v\", \"" + parameter + "\": " + value.json() + "}";
        mentions = List.of(parameter);
      }
      case 3 -> {
        BadVector bad = badVector(true);
        int at = random.nextInt(3);
        StringBuilder vectors = new StringBuilder("[");
        for (int i = 0; i < at; i++) {
          vectors.append(goodVector()).append(", ");
        }
        vectors.append(bad.json()).append(']');
        kind = "columns.vectors: " + bad.kind();
        aggregation = "{\"field\": \"v\", \"columns\": {\"vectors\": " + vectors + "}}";
        mentions = mentionsFor(bad, "columns.vectors");
      }
      case 4 -> {
        String vectors = pick("[]", "5", "\"v\"", "{\"a\": [1]}", "null", "many");
        if (vectors.equals("many")) {
          // More given vectors than vector_scoring.matrix.max_size (1000), each a short one.
          vectors = "[" + String.join(", ", Collections.nCopies(1001 + random.nextInt(3000), "[1]")) + "]";
        }
        kind = "columns.vectors: " + (vectors.length() > 20 ? "above max_size" : vectors.equals("[]") ? "empty" : "not an array");
        aggregation = "{\"field\": \"v\", \"columns\": {\"vectors\": " + vectors + "}}";
        mentions = List.of("vectors");
      }
      case 5 -> {
        String columns = pick("5", "[]", "{}", "both", "size with vectors", "\"rows\"");
        kind = "columns: " + switch (columns) {
          case "{}" -> "neither filter nor vectors";
          case "both", "size with vectors" -> columns;
          default -> "not an object";
        };
        String value = switch (columns) {
          case "both" -> "{\"filter\": {\"match_all\": {}}, \"vectors\": [" + goodVector() + "]}";
          case "size with vectors" -> "{\"size\": 3, \"vectors\": [" + goodVector() + "]}";
          default -> columns;
        };
        aggregation = "{\"field\": \"v\", \"columns\": " + value + "}";
        mentions = List.of("columns");
      }
      case 6 -> {
        String filter = pick("5", "\"tag:a\"", "[]", "unknown");
        boolean unknown = filter.equals("unknown");
        String name = "q_" + word();
        kind = "columns.filter: " + (unknown ? "unknown query" : "not an object");
        aggregation = "{\"field\": \"v\", \"columns\": {\"filter\": " + (unknown ? "{\"" + name + "\": {}}" : filter) + "}}";
        mentions = List.of(unknown ? name : "filter");
      }
      case 7 -> {
        String name = "p_" + word();
        boolean inColumns = random.nextBoolean();
        kind = inColumns ? "columns: unknown parameter" : "unknown parameter";
        aggregation = inColumns ? "{\"field\": \"v\", \"columns\": {\"filter\": {\"match_all\": {}}, \"" + name + "\": " + anyValue() + "}}"
            : "{\"field\": \"v\", \"" + name + "\": " + anyValue() + "}";
        mentions = List.of(name);
      }
      default -> {
        if (random.nextBoolean()) {
          return new Malformed("matrix", "sub-aggregation", "POST", SEARCH, "{\"size\": 0, \"aggs\": {\"sims\": {\"similarity_matrix\": "
              + "{\"field\": \"v\"}, \"aggs\": {\"m\": {\"max\": {\"field\": \"rank\"}}}}}}", BAD_REQUEST, List.of("sub-aggregations"));
        }
        String notObject = pick("[]", "\"v\"", "5");
        kind = "similarity_matrix: not an object";
        aggregation = notObject;
        mentions = List.of("similarity_matrix");
      }
    }
    return new Malformed("matrix", kind, "POST", SEARCH, "{\"size\": 0, \"aggs\": {\"sims\": {\"similarity_matrix\": " + aggregation + "}}}",
        BAD_REQUEST, mentions);
  }

  // --- stats -------------------------------------------------------------------------------------------------------

  Malformed stats() {
    String path = "/_plugins/vector_scoring/stats";
    return switch (random.nextInt(4)) {
      case 0 -> {
        String parameter = "p_" + word();
        yield new Malformed("stats", "unknown parameter", "GET", path + "?" + parameter + "=1", null, BAD_REQUEST, List.of(parameter));
      }
      case 1 -> new Malformed("stats", "timeout: not a time", "GET", path + "?timeout=" + pick("abc", "-5x", "1.5.2s"), null, BAD_REQUEST,
          List.of("timeout"));
      case 2 -> new Malformed("stats", "wrong method", pick("POST", "PUT", "DELETE"), path, null, Set.of(405), List.of("Incorrect HTTP method"));
      default -> new Malformed("stats", "unknown path", "GET", path + "/" + word(), null, BAD_REQUEST, List.of("no handler found"));
    };
  }

  // --- vectors -----------------------------------------------------------------------------------------------------

  /**
   * A wrong vector for a field of {@code dims} dimensions: a bad element at a random place, the wrong length, a huge
   * array, deep nesting, or not an array at all ({@code null} only where a vector is required: in a document it means
   * "no vector").
   */
  private BadVector badVector(boolean nullIsBad) {
    return switch (random.nextInt(11)) {
      case 0 -> withElement("element is a string", pick("\"0.5\"", "\"x\"", "\"\"", "\"NaN\""));
      case 1 -> withElement("element is a boolean", pick("true", "false"));
      case 2 -> withElement("element is null", "null");
      case 3 -> withElement("element is an array", pick("[1]", "[]", "[[0.5]]"));
      case 4 -> withElement("element is an object", pick("{}", "{\"a\": 1}"));
      case 5 -> withElement("element overflows a float", pick("1e39", "-1e39", "3.5e38", "-1.7976931348623157e308"));
      case 6 -> withElement("element is a JSON literal NaN or Infinity", pick("NaN", "Infinity", "-Infinity"));
      case 7 -> {
        int length = random.nextBoolean() ? random.nextInt(dims) : dims + 1 + random.nextInt(50);
        yield new BadVector(length == 0 ? "empty" : "wrong length", vectorOf(length));
      }
      case 8 -> {
        // Above the 16384 dimensions any vector may have.
        int length = 16385 + random.nextInt(100000);
        yield new BadVector("huge (16,385 to 116,384 elements)", vectorOf(length));
      }
      case 9 -> {
        // Deeper than OpenSearch's 1000 levels sometimes; it is the first nested array that is wrong either way.
        int depth = 2 + random.nextInt(random.nextBoolean() ? 20 : 1500);
        yield new BadVector("deeply nested", "[".repeat(depth) + "1" + "]".repeat(depth));
      }
      default -> new BadVector("not an array", nullIsBad ? pick("\"1,2,3\"", "5", "true", "{\"a\": [1]}", "null")
          : pick("\"1,2,3\"", "5", "true", "{\"a\": [1]}"));
    };
  }

  /** A field that is not there, not a vector, or not a name; a null JSON means the parameter is left out. */
  private Choice badField() {
    return choose(c("missing", null), c("unmapped", "\"nope\""), c("not a dense_vector", "\"tag\""), c("not a dense_vector", "\"rank\""),
        c("empty", "\"\""), c("wrong type", "5"), c("wrong type", "[\"v\"]"), c("wrong type", "{\"name\": \"v\"}"), c("null", "null"));
  }

  private Choice badSimilarity() {
    return choose(c("unknown name", "\"" + word() + "\""), c("unknown name", "\"COSINE \""), c("wrong type", "5"),
        c("wrong type", "[\"cosine\"]"), c("wrong type", "{\"name\": \"cosine\"}"), c("wrong type", "true"), c("null", "null"));
  }

  private static Choice c(String kind, String json) {
    return new Choice(kind, json);
  }

  private Choice choose(Choice... choices) {
    return choices[random.nextInt(choices.length)];
  }

  /** The words a vector problem's message must contain: the name of what was wrong (any of them), or the problem itself. */
  private static List<String> mentionsFor(BadVector bad, String... names) {
    List<String> mentions = new ArrayList<>(List.of(names));
    if (bad.kind().equals("deeply nested")) {
      mentions.add("nesting depth"); // past 1000 levels OpenSearch's parser stops first, and says so
    }
    return mentions;
  }

  private BadVector withElement(String kind, String element) {
    List<String> elements = new ArrayList<>();
    for (int i = 0; i < dims; i++) {
      elements.add(number());
    }
    elements.set(random.nextInt(dims), element);
    return new BadVector(kind, "[" + String.join(", ", elements) + "]");
  }

  private String vectorOf(int length) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < length; i++) {
      b.append(i == 0 ? "" : ",").append(number());
    }
    return b.append(']').toString();
  }

  /** A vector that would do: {@code dims} numbers, the first 1 so that it is never all zeros. */
  private String goodVector() {
    StringBuilder b = new StringBuilder("[1");
    for (int i = 1; i < dims; i++) {
      b.append(',').append(number());
    }
    return b.append(']').toString();
  }

  private String zeros() {
    return "[" + String.join(",", Collections.nCopies(dims, "0")) + "]";
  }

  private String number() {
    return Float.toString(random.nextFloat() * 2 - 1);
  }

  private String anyValue() {
    return pick("1", "\"x\"", "true", "null", "[1, 2]", "{\"a\": 1}");
  }

  private String word() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 4 + random.nextInt(6); i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[random.nextInt(options.length)];
  }

  private static String abbreviate(String body) {
    if (body == null) {
      return "";
    }
    return body.length() <= 300 ? body : body.substring(0, 300) + "… (" + body.length() + " chars)";
  }
}
