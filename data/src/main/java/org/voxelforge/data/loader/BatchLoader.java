package org.voxelforge.data.loader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One epoch of batches made by background worker threads into a bounded prefetch window and
 * handed out in index order. Batch {@code i} is {@code source.make(epoch, i)} whichever worker
 * makes it, so the content is independent of the number of workers.
 *
 * <p>At most {@code prefetch} batches are made and not yet taken: a worker takes a permit
 * before it claims the next index, and the consumer returns one per batch it takes. A batch that
 * fails reaches the consumer as a {@link LoaderException} (naming the batch and, through
 * {@link SampleException}, the case), after which the loader is closed. {@link #close()} stops
 * and joins the workers and closes every batch made but not handed out.
 */
public final class BatchLoader implements Iterator<Batch>, AutoCloseable {
    private record Failure(Throwable error) {}

    private final BatchSource source;
    private final int epoch, batches;
    private final Semaphore permits;
    private final AtomicInteger nextClaim = new AtomicInteger();
    private final Object lock = new Object();
    private final Map<Integer, Object> ready = new HashMap<>(); // guarded by lock
    private final List<Thread> workers = new ArrayList<>();
    private boolean closed;                                     // guarded by lock
    private int taken;                                          // consumer thread only

    /** Index of the batch the next {@link #next()} returns. */
    public int position() { return taken; }

    public BatchLoader(BatchSource source, int epoch, int batches, int workers, int prefetch) {
        this(source, epoch, 0, batches, workers, prefetch);
    }

    /**
     * Batches {@code first .. batches-1} of {@code epoch} (a resumed or restarted epoch starts
     * at {@code first}).
     */
    public BatchLoader(BatchSource source, int epoch, int first, int batches, int workers, int prefetch) {
        if (batches < 0 || workers <= 0 || prefetch <= 0 || first < 0 || first > batches) {
            throw new IllegalArgumentException("batch loader: first " + first + ", batches " + batches + ", workers " + workers
                    + ", prefetch " + prefetch + "; expected 0 <= first <= batches and workers, prefetch >= 1");
        }
        this.source = source;
        this.epoch = epoch;
        this.batches = batches;
        this.nextClaim.set(first);
        this.taken = first;
        this.permits = new Semaphore(prefetch);
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(this::work, "voxelforge-loader-e" + epoch + "-" + w);
            t.setDaemon(true);
            this.workers.add(t);
        }
        this.workers.forEach(Thread::start);
    }

    private void work() {
        try {
            while (true) {
                permits.acquire();
                int b = nextClaim.getAndIncrement();
                if (b >= batches) return;
                Object result;
                try {
                    result = source.make(epoch, b);
                } catch (Throwable e) {
                    result = new Failure(e);
                }
                synchronized (lock) {
                    if (closed) {
                        if (result instanceof Batch batch) batch.close();
                        return;
                    }
                    ready.put(b, result);
                    lock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // close() interrupts workers waiting for a permit
        }
    }

    @Override public boolean hasNext() {
        synchronized (lock) { return !closed && taken < batches; }
    }

    @Override public Batch next() {
        Object result;
        synchronized (lock) {
            if (closed) throw new IllegalStateException("batch loader of epoch " + epoch + " is closed");
            if (taken >= batches) throw new NoSuchElementException("batch loader: all " + batches + " batches of epoch " + epoch + " were taken");
            try {
                while (!ready.containsKey(taken) && !closed) lock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoaderException("batch loader: interrupted while waiting for batch " + taken + " of epoch " + epoch, e);
            }
            if (closed) throw new IllegalStateException("batch loader of epoch " + epoch + " was closed while waiting for batch " + taken);
            result = ready.remove(taken);
        }
        int index = taken++;
        permits.release();
        if (result instanceof Failure f) {
            close();
            throw new LoaderException("batch loader: batch " + index + " of epoch " + epoch + " failed: " + f.error().getMessage(), f.error());
        }
        return (Batch) result;
    }

    /** Whether every worker thread has ended (true after close). */
    public boolean workersStopped() {
        return workers.stream().noneMatch(Thread::isAlive);
    }

    @Override public void close() {
        synchronized (lock) {
            if (closed) return;
            closed = true;
            lock.notifyAll();
        }
        for (Thread t : workers) t.interrupt();
        boolean interrupted = false;
        for (Thread t : workers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // finish the shutdown, then restore the flag
                }
            }
        }
        synchronized (lock) {
            for (Object r : ready.values()) if (r instanceof Batch b) b.close();
            ready.clear();
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
