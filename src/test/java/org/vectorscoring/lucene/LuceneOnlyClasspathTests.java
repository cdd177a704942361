package org.vectorscoring.lucene;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.search.Query;
import org.apache.lucene.tests.util.LuceneTestCase;
import org.vectorscoring.kernel.VectorKernel;

/** A Lucene user needs lucene-core and this library, nothing else: runs {@link LuceneOnlyExample} in a JVM with only those. */
public class LuceneOnlyClasspathTests extends LuceneTestCase {

  public void testIndexAndQueryWithOnlyLuceneOnTheClasspath() throws Exception {
    String classpath = String.join(java.io.File.pathSeparator, location(VectorKernel.class), location(LuceneOnlyExample.class),
        location(Query.class));
    assertFalse(classpath, classpath.contains("opensearch"));
    // Red and navy tie at cosine 0.71 (doc order breaks the tie), orange follows at 0.63; blue is filtered out.
    assertEquals("kernel=scalar ranking=red navy orange", run(classpath, false));
    assertTrue(run(classpath, true).matches("kernel=panama-\\d+ ranking=red navy orange"));
  }

  private static String run(String classpath, boolean vectorModule) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    if (vectorModule) {
      command.add("--add-modules");
      command.add("jdk.incubator.vector");
    }
    command.addAll(List.of("-cp", classpath, LuceneOnlyExample.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertTrue("example did not finish", process.waitFor(60, TimeUnit.SECONDS));
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(output, 0, process.exitValue());
      // The kernel logs its choice on stderr (merged here); the example's own line is the last.
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1].strip();
    } finally {
      process.destroyForcibly();
    }
  }

  private static String location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
