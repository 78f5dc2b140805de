#include "thread-pool.h"

#include <chrono>
#include <memory>

namespace motionfuse {

namespace {
// Between jobs a worker polls for 50 us (catching the next kernel of a training step), then
// keeps polling but yields the core at each turn for up to 1 ms (so that V8's own threads, the
// garbage collector and compiler, are not kept waiting on a two-core machine), then sleeps.
constexpr auto kPollFor = std::chrono::microseconds(50);
constexpr auto kYieldFor = std::chrono::microseconds(1000);
// next_task_ between jobs: far above any task count, so a late worker finds nothing to take.
constexpr int kNoTasks = 1 << 30;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}
}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this, i] { work(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

void ThreadPool::drain() {
  for (;;) {
    int task = next_task_.fetch_add(1, std::memory_order_acq_rel);
    if (task >= tasks_.load(std::memory_order_relaxed)) return;
    (*job_.load(std::memory_order_relaxed))(task);
    remaining_.fetch_sub(1, std::memory_order_acq_rel);
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
  if (tasks == 1 || workers_.empty() || !busy.owns_lock()) {
    for (int t = 0; t < tasks; t++) fn(t);
    return;
  }
  // Order matters: a worker still draining the previous job may take a task index at any moment;
  // it only sees the new job once next_task_ is reset (release), after job_, tasks_ and remaining_.
  remaining_.store(tasks, std::memory_order_relaxed);
  job_.store(&fn, std::memory_order_relaxed);
  tasks_.store(tasks, std::memory_order_relaxed);
  next_task_.store(0, std::memory_order_release);
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  drain();
  while (remaining_.load(std::memory_order_acquire) > 0) cpu_relax();
  next_task_.store(kNoTasks, std::memory_order_release);
}

void ThreadPool::work(int /*id*/) {
  uint64_t seen = 0;
  for (;;) {
    const auto idle_since = std::chrono::steady_clock::now();
    uint64_t g;
    while ((g = generation_.load(std::memory_order_acquire)) == seen) {
      const auto idle = std::chrono::steady_clock::now() - idle_since;
      if (idle < kPollFor) {
        for (int i = 0; i < 64; i++) cpu_relax();
      } else if (idle < kPollFor + kYieldFor) {
        std::this_thread::yield();
      } else {
        std::unique_lock<std::mutex> lock(wake_mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
      }
    }
    seen = g;
    if (stop_.load()) return;
    drain();
  }
}

namespace {
std::mutex pool_mutex;
std::unique_ptr<ThreadPool> the_pool;
int requested_threads = 0;

int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}
}  // namespace

ThreadPool& pool() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  if (!the_pool) the_pool = std::make_unique<ThreadPool>(requested_threads > 0 ? requested_threads : default_threads());
  return *the_pool;
}

void configure_pool(int threads) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  requested_threads = threads;
  the_pool.reset();
}

int pool_threads() { return pool().size(); }

void shutdown_pool() {
  std::lock_guard<std::mutex> lock(pool_mutex);
  the_pool.reset();
}

}  // namespace motionfuse
