#pragma once
// Clang's thread-safety analysis (-Wthread-safety): annotations that say which lock guards which
// state, checked at compile time by the clang build (cmake -DTIDELINE_THREAD_SAFETY=ON,
// docs/threads.md). They expand to nothing on other compilers. After LevelDB's
// port/thread_annotations.h.
//
// libstdc++'s std::mutex carries no annotations, so guarded state uses common::Mutex and
// common::MutexLock (common/mutex.h), which do.

#if defined(__clang__)
#define TIDELINE_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define TIDELINE_THREAD_ANNOTATION(x)
#endif

// A class whose objects are locks ("mutex" in diagnostics).
#define CAPABILITY(name) TIDELINE_THREAD_ANNOTATION(capability(name))
// An RAII class that holds a capability for its lifetime.
#define SCOPED_CAPABILITY TIDELINE_THREAD_ANNOTATION(scoped_lockable)

// Data members: read and written only with the lock held.
#define GUARDED_BY(x) TIDELINE_THREAD_ANNOTATION(guarded_by(x))
// Pointer members: the pointee is read and written only with the lock held.
#define PT_GUARDED_BY(x) TIDELINE_THREAD_ANNOTATION(pt_guarded_by(x))
#define ACQUIRED_AFTER(...) TIDELINE_THREAD_ANNOTATION(acquired_after(__VA_ARGS__))
#define ACQUIRED_BEFORE(...) TIDELINE_THREAD_ANNOTATION(acquired_before(__VA_ARGS__))

// Functions: the caller must hold (or must not hold) the locks.
#define REQUIRES(...) TIDELINE_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define REQUIRES_SHARED(...) TIDELINE_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define EXCLUDES(...) TIDELINE_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))

// Functions that take or release a lock.
#define ACQUIRE(...) TIDELINE_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ACQUIRE_SHARED(...) TIDELINE_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define RELEASE(...) TIDELINE_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define RELEASE_SHARED(...) TIDELINE_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...) TIDELINE_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x) TIDELINE_THREAD_ANNOTATION(assert_capability(x))
#define RETURN_CAPABILITY(x) TIDELINE_THREAD_ANNOTATION(lock_returned(x))

// For code the analysis cannot follow (say why at the use).
#define NO_THREAD_SAFETY_ANALYSIS TIDELINE_THREAD_ANNOTATION(no_thread_safety_analysis)
