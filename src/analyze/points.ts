// A run's samples in typed arrays (src/analyze/series.ts): time and count per point, and once halved (memory
// bound) the span and highest count of the samples a point stands for. Pure.

/** Points kept in typed arrays; a stored point stands for `w` samples from `t` to `tEnd` once halved. */
export class Points {
  t = new Float64Array(16);
  tEnd = new Float64Array(16);
  v = new Float64Array(16);
  vMax = new Float64Array(16);
  w = new Uint32Array(16);
  n = 0;

  push(t: number, v: number): void {
    if (this.n === this.t.length) this.grow(this.n * 2);
    const i = this.n++;
    this.t[i] = t;
    this.tEnd[i] = t;
    this.v[i] = v;
    this.vMax[i] = v;
    this.w[i] = 1;
  }

  /** Pairs of neighbours become one point; returns how many stored points were freed. */
  halve(): number {
    const before = this.n;
    let o = 0;
    for (let i = 0; i < this.n; i += 2, o++) {
      if (i + 1 === this.n) {
        this.copy(i, o);
        continue;
      }
      const wa = this.w[i]!;
      const wb = this.w[i + 1]!;
      const w = wa + wb;
      this.t[o] = (this.t[i]! * wa + this.t[i + 1]! * wb) / w;
      this.v[o] = (this.v[i]! * wa + this.v[i + 1]! * wb) / w;
      this.vMax[o] = Math.max(this.vMax[i]!, this.vMax[i + 1]!);
      this.tEnd[o] = this.tEnd[i + 1]!;
      this.w[o] = w;
      // the start of the pair: where it began (its mean time may lie after it)
      this.t[o] = Math.min(this.t[o]!, this.tEnd[o]!);
    }
    this.n = o;
    return before - o;
  }

  private copy(i: number, o: number): void {
    this.t[o] = this.t[i]!;
    this.tEnd[o] = this.tEnd[i]!;
    this.v[o] = this.v[i]!;
    this.vMax[o] = this.vMax[i]!;
    this.w[o] = this.w[i]!;
  }

  private grow(size: number): void {
    const g = <A extends Float64Array | Uint32Array>(a: A): A => {
      const b = new (a.constructor as new (n: number) => A)(size);
      b.set(a);
      return b;
    };
    this.t = g(this.t);
    this.tEnd = g(this.tEnd);
    this.v = g(this.v);
    this.vMax = g(this.vMax);
    this.w = g(this.w);
  }
}
