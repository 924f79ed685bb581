#!/bin/bash
# The device call of 2026-12-06 (one GPU, timeout CALL seconds): deepseek-r1-tiny and janus-pro-tiny retrained on the
# new splits, side by side. Run from the repository root with the training scripts in $H and $OUT set by the device
# tool. Smoke runs of both scripts (a few steps of every phase, export and evaluation included) start beside the
# real runs; a failing smoke stops its script's real runs at once, so that a bug costs seconds, not the call.
set -u
H=${H:-.helper-train}
CALL=${CALL:-540}               # the call's time limit; every deadline below follows from it
R1_TRAIN=$((CALL - 140))        # train_r1_tiny --steps auto fits its cosine schedule into this (2296 steps need ~300 s alone)
R1_DEADLINE=$((CALL - 28))      # (from its start) evaluation shrinks to fit
JANUS_DEADLINE=$((CALL - 30))   # export and evaluation done by then
VQ_SECONDS=$(((CALL - 30) / 3))
STOP=$((CALL - 15))             # hard stop of every real run, then the logs are packed
L=/tmp/logs
mkdir -p $L $OUT/r1 $OUT/janus
export PYTHONUNBUFFERED=1
echo "CALL=$CALL R1_TRAIN=$R1_TRAIN R1_DEADLINE=$R1_DEADLINE JANUS_DEADLINE=$JANUS_DEADLINE VQ_SECONDS=$VQ_SECONDS STOP=$STOP" > $L/started.txt
date -u +%FT%TZ >> $L/started.txt
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
timeout $STOP python3 $H/train_r1_tiny.py --out $OUT/r1 --steps auto --train-seconds $R1_TRAIN --deadline $R1_DEADLINE --workers 6 > $L/r1.log 2>&1 &
R1=$!
OMP_NUM_THREADS=2 timeout $STOP python3 $H/train_janus_tiny.py --out /tmp/janus_vq --vq-only /tmp/vqdir --vq-seconds $VQ_SECONDS \
    --vq-edge-weight 6 > $L/janus_vq.log 2>&1 &
JV=$!
OMP_NUM_THREADS=2 timeout $STOP python3 $H/train_janus_tiny.py --out $OUT/janus --vq-wait /tmp/vqdir --batch 128 --lr 1e-3 \
    --shape-weight 0.4 --cfg 2 --lm-seconds 1000 --deadline $JANUS_DEADLINE --eval-reserve 50 --eval-und 40 --eval-gen 16 > $L/janus_lm.log 2>&1 &
JL=$!

collect() {
  cp /tmp/vqdir/vq_train_log.txt /tmp/vqdir/vq_reconstructions.png $L/ 2>/dev/null
  tar czf $OUT/logs.tar.gz -C /tmp logs
  for f in $L/*.log; do echo "=== $f"; grep -v "it/s]" $f | tail -n 12; done
  cat $L/status.txt
}
# a failing smoke stops the real runs of its own script only (the other may still be sound)
if wait $SJ; then echo "smoke janus ok" >> $L/status.txt; else echo "smoke janus FAILED: janus runs stopped" >> $L/status.txt; kill $JV $JL 2>/dev/null; fi
if wait $SR1; then echo "smoke r1 ok" >> $L/status.txt; else echo "smoke r1 FAILED: r1 run stopped" >> $L/status.txt; kill $R1 2>/dev/null; fi
wait $R1; echo "r1 exit $?" >> $L/status.txt
wait $JV; echo "janus vq exit $?" >> $L/status.txt
wait $JL; echo "janus lm exit $?" >> $L/status.txt
date -u +%FT%TZ >> $L/status.txt
collect
