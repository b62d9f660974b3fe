package dev.microstore.tck.workload;

import java.util.Random;

/** One thread's share of a workload part: each step issues one short sequence of operations. */
interface Worker {
  /**
   * Issues the next operations.
   *
   * @param random this thread's generator
   * @throws Recorder.RunStopped when the run is over
   * @throws InterruptedException when the thread is interrupted
   */
  void step(Random random) throws InterruptedException;
}
