package org.vectorscoring.kernel;

import java.util.ArrayList;
import java.util.List;

/** The kernels a test should run: scalar always, Panama where {@code jdk.incubator.vector} is present. */
public final class TestKernels {

  private TestKernels() {}

  public static List<VectorKernel> all() {
    List<VectorKernel> kernels = new ArrayList<>();
    kernels.add(VectorKernel.scalar());
    if (VectorKernel.panamaOrNull() != null) {
      kernels.add(VectorKernel.panamaOrNull());
    }
    return kernels;
  }
}
