package org.vectorscoring.opensearch;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.opensearch.core.xcontent.XContentParser;
import org.opensearch.core.xcontent.XContentParser.Token;
import org.vectorscoring.lucene.DenseVectorField;

/**
 * Reads vectors from requests and documents (JSON arrays or script params), with one set of messages that name
 * the field or parameter, the expected and the actual length, the bad element's index, or a norm too large to score.
 */
public final class VectorParsing {

  private VectorParsing() {}

  /**
   * Reads a JSON array of numbers at the parser's current token.
   *
   * @param name what to call the value in messages, e.g. {@code [embedding]}
   * @param dims the length required, or -1 for any length up to {@code maxDims}
   * @throws IllegalArgumentException naming {@code name} and the problem
   */
  public static float[] parse(XContentParser parser, String name, int dims, int maxDims) throws IOException {
    Token token = parser.currentToken();
    if (token != Token.START_ARRAY) {
      throw new IllegalArgumentException(name + " expects an array of " + (dims < 0 ? "" : "[" + dims + "] ") + "numbers, not " + describe(token));
    }
    float[] vector = new float[dims < 0 ? 16 : dims];
    int count = 0;
    while ((token = next(parser, name, count)) != Token.END_ARRAY) {
      if (token == Token.START_ARRAY) {
        throw new IllegalArgumentException(name + " takes one vector of numbers, but element [" + count + "] is an array");
      }
      if (token != Token.VALUE_NUMBER) {
        throw new IllegalArgumentException(name + " element [" + count + "] is " + describe(token) + ", expected a number");
      }
      if (dims < 0) {
        if (count == maxDims) {
          throw new IllegalArgumentException(name + " has more than [" + maxDims + "] elements, the most a vector can have");
        }
        if (count == vector.length) {
          vector = Arrays.copyOf(vector, Math.min(maxDims, vector.length * 2));
        }
      }
      if (count < vector.length) {
        vector[count] = toFloat(parser.doubleValue(), name, count);
      }
      count++;
    }
    if (dims >= 0 && count != dims) {
      throw new IllegalArgumentException(name + " expects a vector of [" + dims + "] dimensions, not [" + count + "]");
    }
    if (dims < 0) {
      if (count == 0) {
        throw new IllegalArgumentException(name + " is empty, a vector needs at least one dimension");
      }
      vector = Arrays.copyOf(vector, count);
    }
    DenseVectorField.checkNorm(name, vector);
    return vector;
  }

  // JSON has no NaN or Infinity: the parser rejects them before we see a token, so say which element it was.
  private static Token next(XContentParser parser, String name, int index) throws IOException {
    try {
      return parser.nextToken();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(name + " element [" + index + "] is not a number JSON allows (" + firstLine(e.getMessage())
          + "); vectors take finite numbers only", e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * Reads a vector given as a list of numbers, as script params hold them.
   *
   * @throws IllegalArgumentException naming {@code name} and the problem
   */
  public static float[] fromList(Object value, String name, int maxDims) {
    if (!(value instanceof List<?> list)) {
      throw new IllegalArgumentException(name + " expects an array of numbers, not " + describe(value));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException(name + " is empty, a vector needs at least one dimension");
    }
    if (list.size() > maxDims) {
      throw new IllegalArgumentException(name + " has [" + list.size() + "] elements, more than the [" + maxDims + "] a vector can have");
    }
    float[] vector = new float[list.size()];
    for (int i = 0; i < vector.length; i++) {
      if (list.get(i) instanceof Number number) {
        vector[i] = toFloat(number.doubleValue(), name, i);
      } else {
        throw new IllegalArgumentException(name + " element [" + i + "] is " + describe(list.get(i)) + ", expected a number");
      }
    }
    DenseVectorField.checkNorm(name, vector);
    return vector;
  }

  private static float toFloat(double value, String name, int index) {
    float f = (float) value;
    if (Float.isFinite(f) == false) {
      throw new IllegalArgumentException(name + " element [" + index + "] is [" + value + "], "
          + (Double.isFinite(value) ? "outside the range of a float" : "vectors take finite numbers only"));
    }
    return f;
  }

  private static String describe(Token token) {
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_BOOLEAN -> "a boolean";
      case VALUE_NULL -> "null";
      case VALUE_NUMBER -> "a number";
      default -> "[" + token + "]";
    };
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    } else if (value instanceof String) {
      return "a string";
    } else if (value instanceof Boolean) {
      return "a boolean";
    } else if (value instanceof Number) {
      return "a number";
    } else if (value instanceof List) {
      return "an array";
    } else if (value instanceof Map) {
      return "an object";
    }
    return "a " + value.getClass().getSimpleName();
  }
}
