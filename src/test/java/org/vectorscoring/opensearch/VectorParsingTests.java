package org.vectorscoring.opensearch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.xcontent.DeprecationHandler;
import org.opensearch.core.xcontent.NamedXContentRegistry;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.test.OpenSearchTestCase;

/**
 * Huge vectors cost nothing before they are rejected: a JSON array is read only up to the limit, and a params list
 * is measured, not copied.
 */
public class VectorParsingTests extends OpenSearchTestCase {

  private static final int TEN_MILLION = 10_000_000;

  public void testAJsonVectorIsReadOnlyUpToTheLimit() throws IOException {
    int maxDims = randomIntBetween(1, VectorScoringSettings.DIMS_LIMIT);
    ElementStream json = new ElementStream(TEN_MILLION);
    try (XContentParser parser = JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY,
        DeprecationHandler.THROW_UNSUPPORTED_OPERATION, json)) {
      parser.nextToken();
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class, () -> VectorParsing.parse(parser, "[q]", -1, maxDims));
      assertEquals("[q] has more than [" + maxDims + "] elements, the most a vector can have", e.getMessage());
    }
    // Four bytes an element up to the limit, plus what the parser buffers ahead: nowhere near the 40 MB sent.
    assertTrue(json.served + " bytes read", json.served < 4L * maxDims + 64 * 1024);
  }

  public void testAParamsListIsMeasuredBeforeItIsCopied() {
    List<Object> tenMillion = new AbstractList<>() {
      @Override
      public Object get(int index) {
        throw new AssertionError("element [" + index + "] read");
      }

      @Override
      public int size() {
        return TEN_MILLION;
      }
    };
    IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
        () -> VectorParsing.fromList(tenMillion, "[vector_scoring] params [query_vector]", VectorScoringSettings.DIMS_LIMIT));
    assertEquals("[vector_scoring] params [query_vector] has [10000000] elements, more than the [16384] a vector can have", e.getMessage());
  }

  public void testParamsListErrorsNameTheElement() {
    String name = "[cosineSimilarity] query vector";
    assertEquals(name + " expects an array of numbers, not a string",
        expectThrows(IllegalArgumentException.class, () -> VectorParsing.fromList("1,2", name, 8)).getMessage());
    assertEquals(name + " is empty, a vector needs at least one dimension",
        expectThrows(IllegalArgumentException.class, () -> VectorParsing.fromList(List.of(), name, 8)).getMessage());
    assertEquals(name + " element [1] is an array, expected a number",
        expectThrows(IllegalArgumentException.class, () -> VectorParsing.fromList(List.of(1, List.of(2)), name, 8)).getMessage());
    assertEquals(name + " element [2] is [1.0E39], outside the range of a float",
        expectThrows(IllegalArgumentException.class, () -> VectorParsing.fromList(List.of(1, 2, 1e39), name, 8)).getMessage());
  }

  // Every element a float, but the norm is not: cosine would divide by infinity, dot products overflow to NaN.
  public void testNormsAboveTheLimitNameTheValue() throws IOException {
    String tail = "], above [4.611686018427388E18], the most a vector may have for its similarities to stay within "
        + "the float range";
    try (XContentParser parser = JsonXContent.jsonXContent.createParser(NamedXContentRegistry.EMPTY,
        DeprecationHandler.THROW_UNSUPPORTED_OPERATION, "[3e38, 3e38]")) {
      parser.nextToken();
      IllegalArgumentException e = expectThrows(IllegalArgumentException.class,
          () -> VectorParsing.parse(parser, "[vector_similarity] [query_vector]", -1, 8));
      assertEquals("[vector_similarity] [query_vector] has an L2 norm of [4.2426406948942856E38" + tail,
          e.getMessage());
    }
    String name = "[vector_scoring] params [query_vector]";
    assertEquals(name + " has an L2 norm of [6.521908912666392E18" + tail, expectThrows(IllegalArgumentException.class,
        () -> VectorParsing.fromList(List.of(0x1p62, -0x1p62), name, 8)).getMessage());
    assertArrayEquals(new float[] {-0x1p62f}, VectorParsing.fromList(List.of(-0x1p62), name, 8), 0f);
  }

  /** {@code [0.5,0.5,…]} of {@code elements} elements, made as it is read, counting the bytes handed out. */
  private static final class ElementStream extends InputStream {
    private static final byte[] ELEMENT = "0.5,".getBytes(StandardCharsets.US_ASCII);
    private final long length;
    private long served;

    ElementStream(int elements) {
      this.length = 1 + (long) elements * ELEMENT.length; // "[", the elements, the last comma replaced by "]"
    }

    @Override
    public int read() {
      if (served == length) {
        return -1;
      }
      long at = served++;
      if (at == 0) {
        return '[';
      }
      return at == length - 1 ? ']' : ELEMENT[(int) ((at - 1) % ELEMENT.length)];
    }
  }
}
