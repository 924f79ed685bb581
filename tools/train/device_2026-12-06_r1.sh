#!/bin/bash
# The device call of 2026-12-06 as it could be made: machines would not start for several tries, which spent most of
# this task's device time, so the call that ran retrains deepseek-r1-tiny alone (the janus-pro-tiny recipe of
# device_2026-12-06.sh needs a longer call). A smoke run of train_janus_tiny.py's new paths (--vq-only, --vq-wait,
# splits, export, evaluation) runs beside it so that the janus call is checked on the GPU before it is made.
set -u
H=${H:-.helper-train}
CALL=${CALL:-285}
R1_TRAIN=$((CALL - 80))         # --steps auto fits the cosine schedule into this (2296 steps took 300 s in 2026-11)
R1_DEADLINE=$((CALL - 20))
STOP=$((CALL - 8))
L=/tmp/logs
mkdir -p $L $OUT/r1
export PYTHONUNBUFFERED=1
echo "CALL=$CALL R1_TRAIN=$R1_TRAIN R1_DEADLINE=$R1_DEADLINE STOP=$STOP" > $L/started.txt
date -u +%FT%TZ >> $L/started.txt
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > $L/gpu.txt 2>&1
python3 -c "import torch, transformers, tokenizers; print('torch', torch.__version__, 'transformers', transformers.__version__, 'tokenizers', tokenizers.__version__)" > $L/versions.txt 2>&1

timeout $STOP python3 $H/train_r1_tiny.py --out $OUT/r1 --steps auto --train-seconds $R1_TRAIN --deadline $R1_DEADLINE --workers 8 > $L/r1.log 2>&1 &
R1=$!
( OMP_NUM_THREADS=2 timeout $STOP python3 $H/train_janus_tiny.py --out /tmp/smoke_vq --smoke --vq-only /tmp/smoke_vqdir --vq-edge-weight 6 \
  && OMP_NUM_THREADS=2 timeout $STOP python3 $H/train_janus_tiny.py --out /tmp/smoke_janus --smoke --vq-wait /tmp/smoke_vqdir --batch 8 --cfg 2 ) \
    > $L/smoke_janus.log 2>&1 &
SJ=$!
if wait $SJ; then echo "smoke janus ok" >> $L/status.txt; else echo "smoke janus FAILED" >> $L/status.txt; fi
wait $R1; echo "r1 exit $?" >> $L/status.txt
date -u +%FT%TZ >> $L/status.txt
tar czf $OUT/logs.tar.gz -C /tmp logs
for f in $L/*.log; do echo "=== $f"; grep -v "it/s]" $f | tail -n 14; done
cat $L/status.txt
