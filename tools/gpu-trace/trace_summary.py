# Summarizes a cupti_trace.c CSV (tools/gpu-trace/README.md): per batch-1 decode step (embedding_f32 to the next),
# each kernel's share of the critical path (its end minus the previous kernel's end), median over the steady steps.
import csv, sys, statistics, collections
rows = list(csv.DictReader(open(sys.argv[1])))
def f(r, k): return r[k]
ev, other = [], []
for r in rows:
    if r['Kind'] != 'K':
        other.append((float(r['Start']), float(r['Start']) + float(r['Duration']), r['Kind'] + ':' + r['Name'][:40], r['GrdX'], r['GrdY']))
        continue
    name = f(r, 'Name'); start = float(f(r, 'Start')); dur = float(f(r, 'Duration'))
    ev.append((start, start + dur, name[:40], f(r, 'GrdX'), f(r, 'GrdY'), f(r, 'Reg'), None))
ev.sort()
steps, cur = [], None
for e in ev:
    if e[2].startswith('embedding_f32'):
        if cur: steps.append(cur)
        cur = []
    if cur is not None: cur.append(e)
if cur: steps.append(cur)
# batch-1 decode steps (those with gqa_decode), grouped by their kernel count: each of the two commonest is summarized
steps = [s for s in steps if any(e[2].startswith('gqa_decode') for e in s)]
sizes = collections.Counter(len(s) for s in steps)
print('step sizes', sizes.most_common(6))
for want, _n in sizes.most_common(2):
    sel = [s for s in steps if len(s) == want]
    print('steps selected', len(sel))
    sel = sel[2:34]
    per = collections.defaultdict(list)
    totals, gaps = [], []
    for i, s in enumerate(sel):
        prev_end = s[0][0]
        for j, e in enumerate(s):
            key = (j, e[2], e[3], e[4], e[5])
            per[key].append((e[1] - max(prev_end, 0)) / 1e3)
            prev_end = max(prev_end, e[1])
        totals.append((s[-1][1] - s[0][0]) / 1e3)
    for i in range(len(sel) - 1):
        gaps.append((sel[i + 1][0][0] - sel[i][-1][1]) / 1e3)
    print('step gpu span us: median %.1f' % statistics.median(totals), 'gap to next step us: median %.1f' % (statistics.median(gaps) if gaps else -1))
    agg = collections.defaultdict(float)
    for key, v in sorted(per.items()):
        agg[(key[1], key[2], key[3], key[4])] += statistics.median(v)
    print('kernel(grid x,y,regs): total critical us per step')
    for k, v in sorted(agg.items(), key=lambda kv: -kv[1]): print('%-40s %6s %4s %4s %8.1f' % (k[0], k[1], k[2], k[3], v))
    # the first 16 kernels of one step in detail (start relative, duration)
    s = sel[len(sel) // 2]
    t0 = s[0][0]
    for e in s[:20]: print('%8.2f %8.2f %s grid %s regs %s' % ((e[0] - t0) / 1e3, (e[1] - e[0]) / 1e3, e[2], e[3], e[5]))

# host side between two steady steps: driver calls and copies from the end of step i's last kernel to step i+1's
# third kernel
other.sort()
a, b = sel[len(sel) // 2], sel[len(sel) // 2 + 1]
t0, t1 = a[-1][1], b[2][1]
print('between steps: from the end of the last kernel (t=0)')
for e in sorted(other + [(x[0], x[1], 'K:' + x[2], x[3], x[4]) for x in b[:3]]):
    if t0 - 5e3 <= e[0] <= t1: print('%9.2f %8.2f %s %s %s' % ((e[0] - t0) / 1e3, (e[1] - e[0]) / 1e3, e[2], e[3], e[4]))
