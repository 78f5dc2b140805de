// A small persistent thread pool: the calling thread plus (threads - 1) workers that spin briefly
// between jobs and then sleep, so a sequence of kernel calls does not pay a thread start each.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace motionfuse {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task) for every task in [0, tasks); the caller takes part. Returns when all are done.
  // Concurrent callers (several Node worker threads) do not share the pool: the second runs alone.
  void run(int tasks, const std::function<void(int)>& fn);

 private:
  void work(int id);
  void drain();

  std::vector<std::thread> workers_;
  std::mutex busy_;  // one job at a time
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> next_task_{1 << 30};
  std::atomic<int> remaining_{0};
  std::atomic<bool> stop_{false};
  std::atomic<const std::function<void(int)>*> job_{nullptr};
  std::atomic<int> tasks_{0};
};

// Reductions (sums over rows into one result) are split into this many partial sums whatever the
// pool's size, and the partials added in order, so a result does not depend on how many threads
// ran it: the same seed gives the same training on any machine and with any number of workers.
constexpr int kReductionParts = 8;

// The process-wide pool, created on first use with `threads` (0: hardware concurrency).
ThreadPool& pool();
void configure_pool(int threads);
int pool_threads();
void shutdown_pool();

}  // namespace motionfuse
