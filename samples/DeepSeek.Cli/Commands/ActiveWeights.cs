using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Cli.Commands;

/// <summary>What one decode step of a DeepSeek-V3 model must read from memory: every weight on the token's path
/// (attention, norms, the dense MLP or the router plus shared and top-k routed experts, lm_head) and one embedding
/// row. This is the numerator of the decode roofline.</summary>
internal readonly record struct ActiveWeights(long TotalParameters, long ActiveParameters, long TotalBytes, long ActiveBytes)
{
    public static ActiveWeights Of(DeepSeekV3Model model)
    {
        var sum = new Sum();
        foreach (var layer in model.Layers)
        {
            sum.Both(layer.InputNorm.Weight);
            sum.Both(layer.PostAttentionNorm.Weight);
            var a = layer.Attention;
            if (a.QueryDown is not null) sum.Both(a.QueryDown.Weight);
            if (a.QueryNorm is not null) sum.Both(a.QueryNorm.Weight);
            sum.Both(a.Query.Weight);
            sum.Both(a.KvLatent.Weight);
            sum.Both(a.KvRope.Weight);
            sum.Both(a.KvNorm.Weight);
            sum.Both(a.KvUpTransposed);
            sum.Both(a.Output.Weight);
            switch (layer.FeedForward)
            {
                case Mlp mlp:
                    sum.Mlp(mlp, active: true);
                    break;
                case MixtureOfExperts moe:
                    sum.Both(moe.Gate.Weight);
                    if (moe.SharedExperts is not null) sum.Mlp(moe.SharedExperts, active: true);
                    for (int e = 0; e < moe.Experts.Count; e++) sum.Mlp(moe.Experts[e], active: e < moe.Router.TopK); // experts are equal in size
                    break;
            }
        }
        sum.Both(model.FinalNorm.Weight);
        sum.Total(model.Embedding);
        int hidden = model.Embedding.Shape[1];
        sum.Active(hidden, (long)hidden * model.Embedding.DType.SizeOf()); // one row per token
        if (!ReferenceEquals(model.LmHead.Weight, model.Embedding)) sum.Both(model.LmHead.Weight);
        else sum.Active(model.LmHead.Weight.ElementCount, Bytes(model.LmHead.Weight));
        return new ActiveWeights(sum.TotalParameters, sum.ActiveParameters, sum.TotalBytes, sum.ActiveBytes);
    }

    private static long Bytes(Tensor t) => t.ByteCount + (t.Scales?.Scales.ByteCount ?? 0);

    private sealed class Sum
    {
        public long TotalParameters, ActiveParameters, TotalBytes, ActiveBytes;

        public void Both(Tensor t)
        {
            Total(t);
            Active(t.ElementCount, Bytes(t));
        }

        public void Total(Tensor t)
        {
            TotalParameters += t.ElementCount;
            TotalBytes += Bytes(t);
        }

        public void Active(long parameters, long bytes)
        {
            ActiveParameters += parameters;
            ActiveBytes += bytes;
        }

        public void Mlp(Mlp mlp, bool active)
        {
            foreach (var w in new[] { mlp.Gate.Weight, mlp.Up.Weight, mlp.Down.Weight })
                if (active) Both(w); else Total(w);
        }
    }
}
