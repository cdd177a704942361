package org.vectorscoring.lucene;

import java.util.function.Predicate;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.DocValuesFormat;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.perfield.PerFieldDocValuesFormat;

/**
 * A codec that writes the doc values of vector fields in {@link DenseVectorDocValuesFormat}, so queries score them in
 * place, and everything else exactly as the codec it wraps. It keeps the wrapped codec's name: segments name each
 * field's doc values format, so they read back with the wrapped codec itself (this library on the classpath).
 *
 * <pre>{@code
 * IndexWriterConfig config = new IndexWriterConfig()
 *     .setCodec(new DenseVectorCodec(Codec.getDefault(), "embedding"::equals));
 * }</pre>
 */
public final class DenseVectorCodec extends FilterCodec {

  private final DocValuesFormat docValues;

  /**
   * @param isVectorField which fields hold {@link DenseVectorField}s
   * @throws IllegalArgumentException when {@code delegate} does not choose doc values formats per field (see
   *     {@link #canWrap})
   */
  public DenseVectorCodec(Codec delegate, Predicate<String> isVectorField) {
    super(delegate.getName(), delegate);
    if (!(delegate.docValuesFormat() instanceof PerFieldDocValuesFormat perField)) {
      throw new IllegalArgumentException("codec [" + delegate.getName() + "] does not choose doc values formats per field");
    }
    DocValuesFormat vectors = new DenseVectorDocValuesFormat();
    this.docValues = new PerFieldDocValuesFormat() {
      @Override
      public DocValuesFormat getDocValuesFormatForField(String field) {
        return isVectorField.test(field) ? vectors : perField.getDocValuesFormatForField(field);
      }
    };
  }

  /**
   * Whether {@code codec} can be wrapped: it chooses doc values formats per field, as Lucene's default codecs do, and is
   * not already a {@code DenseVectorCodec}.
   */
  public static boolean canWrap(Codec codec) {
    return codec.docValuesFormat() instanceof PerFieldDocValuesFormat && !(codec instanceof DenseVectorCodec);
  }

  @Override
  public DocValuesFormat docValuesFormat() {
    return docValues;
  }
}
