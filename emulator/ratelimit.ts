// Rate limiters, driven by performance.now() (milliseconds).

/**
 * A token bucket that refills continuously at `ratePerSecond` up to `capacity`. A cost larger than the
 * capacity is accepted when the bucket is full and leaves a debt, so it is never refused forever.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now: number
  ) {
    this.tokens = capacity
    this.last = now
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerSecond)
    this.last = now
  }

  /** Takes `cost` tokens and returns 0, or returns the seconds to wait until it would fit (nothing taken). */
  take(cost: number, now: number): number {
    if (!(this.ratePerSecond > 0) || !(this.capacity > 0)) return 0
    this.refill(now)
    const needed = Math.min(cost, this.capacity)
    if (this.tokens + 1e-9 >= needed) {
      this.tokens -= cost
      return 0
    }
    return (needed - this.tokens) / this.ratePerSecond
  }

  remaining(now: number): number {
    this.refill(now)
    return Math.max(0, Math.floor(this.tokens))
  }
}

/** At most `limit` events in any `windowMs`. */
export class SlidingWindow {
  private readonly times: number[] = []

  constructor(
    readonly limit: number,
    readonly windowMs: number
  ) {}

  private prune(now: number): void {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) this.times.shift()
  }

  /** Counts one event and returns 0, or returns the seconds to wait (nothing counted). */
  take(now: number): number {
    this.prune(now)
    if (this.times.length < this.limit) {
      this.times.push(now)
      return 0
    }
    const oldest = this.times[0] ?? now
    return (oldest + this.windowMs - now) / 1000
  }

  remaining(now: number): number {
    this.prune(now)
    return Math.max(0, this.limit - this.times.length)
  }

  /** Seconds until the window has room again for its full limit. */
  resetSeconds(now: number): number {
    this.prune(now)
    const oldest = this.times[0]
    return oldest === undefined ? 0 : Math.max(0, Math.ceil((oldest + this.windowMs - now) / 1000))
  }
}

/**
 * At most `limit` units (URLs) in any `windowMs`, weighing each event by its cost. A cost larger than
 * the limit is accepted when the window is empty, so it is never refused forever.
 */
export class WeightedWindow {
  private readonly events: Array<{ at: number; cost: number }> = []
  private total = 0

  constructor(
    readonly limit: number,
    readonly windowMs: number
  ) {}

  private prune(now: number): void {
    while (this.events.length > 0 && (this.events[0]?.at ?? now) <= now - this.windowMs) {
      this.total -= this.events.shift()?.cost ?? 0
    }
  }

  /** Counts `cost` and returns 0, or returns the seconds to wait until it would fit (nothing counted). */
  take(cost: number, now: number): number {
    if (!(this.limit > 0) || !(this.windowMs > 0)) return 0
    this.prune(now)
    const needed = Math.min(cost, this.limit)
    if (this.total + needed <= this.limit + 1e-9) {
      this.events.push({ at: now, cost })
      this.total += cost
      return 0
    }
    // The wait until enough of the oldest events have left the window.
    let left = this.total
    for (const event of this.events) {
      left -= event.cost
      if (left + needed <= this.limit + 1e-9) return (event.at + this.windowMs - now) / 1000
    }
    return this.windowMs / 1000
  }
}
