#!/bin/bash
# The one device call of 2026-12-06 (one H100, timeout 590 s): deepseek-r1-tiny and janus-pro-tiny retrained on the
# new splits, side by side. Run from the repository root with the training scripts in $H and $OUT set by the device
# tool. Smoke runs of both scripts (a few steps of every phase, export and evaluation included) start beside the
# real runs; if either fails, the real runs are stopped at once so that a bug costs seconds, not the call.
set -u
H=${H:-.helper-train}
L=/tmp/logs
mkdir -p $L $OUT/r1 $OUT/janus
export PYTHONUNBUFFERED=1
date -u +%FT%TZ > $L/started.txt
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $L/gpu.txt 2>&1
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__)" > $L/versions.txt 2>&1

# smoke runs
python3 $H/train_r1_tiny.py --out /tmp/smoke_r1 --steps 3 --train-seconds 60 --deadline 10000 --eval-count 3 \
    --examples-per-suite 1 --workers 2 > $L/smoke_r1.log 2>&1 &
SR1=$!
( OMP_NUM_THREADS=2 python3 $H/train_janus_tiny.py --out /tmp/smoke_vq --smoke --vq-only /tmp/smoke_vqdir --vq-edge-weight 6 \
  && OMP_NUM_THREADS=2 python3 $H/train_janus_tiny.py --out /tmp/smoke_janus --smoke --vq-wait /tmp/smoke_vqdir --batch 8 --cfg 2 ) \
    > $L/smoke_janus.log 2>&1 &
SJ=$!

# the real runs
timeout 572 python3 $H/train_r1_tiny.py --out $OUT/r1 --steps 2296 --train-seconds 440 --deadline 555 --workers 6 > $L/r1.log 2>&1 &
R1=$!
OMP_NUM_THREADS=2 timeout 572 python3 $H/train_janus_tiny.py --out /tmp/janus_vq --vq-only /tmp/vqdir --vq-seconds 200 \
    --vq-edge-weight 6 > $L/janus_vq.log 2>&1 &
JV=$!
OMP_NUM_THREADS=2 timeout 572 python3 $H/train_janus_tiny.py --out $OUT/janus --vq-wait /tmp/vqdir --batch 128 --lr 1e-3 \
    --shape-weight 0.4 --cfg 2 --lm-seconds 1000 --deadline 555 --eval-reserve 60 --eval-und 60 --eval-gen 24 > $L/janus_lm.log 2>&1 &
JL=$!

collect() {
  cp /tmp/vqdir/vq_train_log.txt /tmp/vqdir/vq_reconstructions.png $L/ 2>/dev/null
  tar czf $OUT/logs.tar.gz -C /tmp logs
  for f in $L/*.log; do echo "=== $f"; grep -v "it/s]" $f | tail -n 12; done
  cat $L/status.txt
}
fail=0
wait $SR1 && echo "smoke r1 ok" >> $L/status.txt || { echo "smoke r1 FAILED" >> $L/status.txt; fail=1; }
wait $SJ && echo "smoke janus ok" >> $L/status.txt || { echo "smoke janus FAILED" >> $L/status.txt; fail=1; }
if [ $fail = 1 ]; then
  kill $R1 $JV $JL 2>/dev/null
  sleep 2
  collect
  exit 1
fi
wait $R1; echo "r1 exit $?" >> $L/status.txt
wait $JV; echo "janus vq exit $?" >> $L/status.txt
wait $JL; echo "janus lm exit $?" >> $L/status.txt
date -u +%FT%TZ >> $L/status.txt
collect
