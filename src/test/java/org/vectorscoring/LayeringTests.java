package org.vectorscoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.lucene.tests.util.LuceneTestCase;

/**
 * The layers point one way, kernel → lucene → opensearch: the kernel imports only the JDK, the Lucene layer only
 * Lucene and the kernel, and nothing outside the opensearch package names OpenSearch.
 */
public class LayeringTests extends LuceneTestCase {

  /** The main sources, and those compiled for Java 22 (in-place reads of mapped vectors), which follow the same rule. */
  private static final List<Path> SOURCES = List.of(Path.of("src/main/java/org/vectorscoring"), Path.of("src/main/java22/org/vectorscoring"));
  private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

  public void testKernelImportsOnlyTheJdk() throws IOException {
    assertOnlyImports("kernel", "java.", "jdk.incubator.vector.", "com.sun.management.", "org.vectorscoring.kernel.");
  }

  public void testLuceneLayerImportsOnlyLuceneAndTheKernel() throws IOException {
    assertOnlyImports("lucene", "java.", "org.apache.lucene.", "org.vectorscoring.kernel.", "org.vectorscoring.lucene.");
  }

  public void testTheCheckSeesViolations() {
    assertEquals(List.of("org.opensearch.common.Foo"), violations("package x;\nimport java.util.List;\nimport org.opensearch.common.Foo;\n",
        "java."));
    assertEquals(List.of("org.opensearch.Version.CURRENT (by name)"), violations("class A { Object v = org.opensearch.Version.CURRENT; }", "java."));
  }

  private static void assertOnlyImports(String layer, String... allowed) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root : SOURCES) {
      if (Files.isDirectory(root.resolve(layer))) {
        try (Stream<Path> walk = Files.walk(root.resolve(layer))) {
          walk.filter(p -> p.toString().endsWith(".java")).forEach(files::add);
        }
      }
    }
    assertFalse("no sources found under " + SOURCES.get(0).resolve(layer).toAbsolutePath(), files.isEmpty());
    List<String> found = new ArrayList<>();
    for (Path file : files) {
      for (String v : violations(Files.readString(file), allowed)) {
        found.add(file.getFileName() + ": " + v);
      }
    }
    assertEquals("the " + layer + " layer reaches outside its allowed dependencies", List.of(), found);
  }

  private static List<String> violations(String source, String... allowed) {
    List<String> out = new ArrayList<>();
    Matcher m = IMPORT.matcher(source);
    while (m.find()) {
      String imported = m.group(1);
      if (Stream.of(allowed).noneMatch(imported::startsWith)) {
        out.add(imported);
      }
    }
    // Fully qualified names bypass imports.
    Matcher qualified = Pattern.compile("(?<![\\w.])org\\.opensearch\\.[\\w.]*\\w").matcher(source.replaceAll("(?m)^import .*$", ""));
    while (qualified.find()) {
      out.add(qualified.group() + " (by name)");
    }
    return out;
  }
}
