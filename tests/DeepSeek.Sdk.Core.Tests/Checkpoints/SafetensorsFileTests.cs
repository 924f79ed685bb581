using System.Buffers.Binary;
using System.Text;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

public class SafetensorsFileTests
{
    [Theory]
    [MemberData(nameof(OracleFixtures.Cases), MemberType = typeof(OracleFixtures))]
    public void Every_fixture_file_opens_and_every_tensor_views_its_bytes(string caseName)
    {
        foreach (string path in new[] { OracleFixtures.Model(caseName), OracleFixtures.Expected(caseName) })
        {
            using var file = SafetensorsFile.Open(path);
            Assert.NotEmpty(file.Tensors);
            long end = 0;
            foreach (var info in file.Tensors)
            {
                var tensor = file.GetTensor(info.Name);
                Assert.Equal(info.DType, tensor.DType);
                Assert.Equal(info.Shape, tensor.Shape);
                Assert.Equal(info.ByteLength, tensor.ByteCount);
                end = Math.Max(end, info.DataEnd);
            }
            // The reference writer packs tensors back to back up to the end of the file.
            Assert.Equal(file.Length, 8 + file.HeaderLength + end);
        }
    }

    // Values below were read from the fixture files with Python's struct module (little-endian F32, BF16 as
    // the high half of an F32); the view must return exactly those bits.
    [Theory]
    [InlineData("deepseek_v3_f32", "model.norm.weight", "F32", new[] { 64 }, new[] { 0.9734600782394409f, 1.159486174583435f, 1.0442768335342407f })]
    [InlineData("deepseek_v3_f32", "model.embed_tokens.weight", "F32", new[] { 320, 64 }, new[] { -0.08831007778644562f, 0.3420487642288208f, 0.41116806864738464f })]
    [InlineData("deepseek_v3_bf16", "model.embed_tokens.weight", "BF16", new[] { 320, 64 }, new[] { -0.08837890625f, 0.341796875f, 0.412109375f })]
    [InlineData("deepseek_v3_fp8", "model.layers.0.mlp.down_proj.weight_scale_inv", "F32", new[] { 4, 8 }, new[] { 0.0006259831134229898f, 0.000625481188762933f, 0.0004990051966160536f })]
    [InlineData("deepseek_v3_fp8", "model.layers.1.mlp.gate.e_score_correction_bias", "F32", new[] { 8 }, new[] { -0.05330652743577957f, 0.027218258008360863f, 0.14818653464317322f })]
    [InlineData("deepseek_v2_f32", "model.layers.0.self_attn.q_proj.weight", "F32", new[] { 72, 48 }, new[] { 0.13937757909297943f, -0.07831577211618423f, 0.08272048830986023f })]
    [InlineData("qwen2_f32", "model.layers.0.self_attn.q_proj.bias", "F32", new[] { 64 }, new[] { -0.06016510725021362f, 0.034743521362543106f, 0.11749396473169327f })]
    [InlineData("llama3_f32", "model.layers.0.self_attn.k_proj.weight", "F32", new[] { 16, 64 }, new[] { -0.14582549035549164f, -0.08238019794225693f, 0.1503615528345108f })]
    [InlineData("llama3_bf16", "lm_head.weight", "BF16", new[] { 280, 64 }, new[] { 0.1015625f, 0.1884765625f, -0.026611328125f })]
    [InlineData("janus_f32", "model.vision_model.embeddings.patch_embedding.weight", "F32", new[] { 32, 3, 8, 8 }, new[] { 0.029188083484768867f, 0.014646212570369244f, 0.007098994217813015f })]
    public void Model_tensors_read_through_the_view_match_the_fixture(string caseName, string name, string dtype, int[] shape, float[] firstValues)
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model(caseName));
        AssertLeading(file.GetTensor(name), dtype, shape, firstValues);
    }

    [Theory]
    [InlineData("deepseek_v3_f32", "prefill_logits", new[] { 14, 320 }, new[] { 1.0334137678146362f, -0.918388307094574f, -1.6532789468765259f })]
    [InlineData("qwen2_f32", "sequence_logits", new[] { 26, 288 }, new[] { 0.2644839286804199f, -0.588379442691803f, 0.13616375625133514f })]
    [InlineData("janus_f32", "pixel_values", new[] { 1, 3, 32, 32 }, new[] { 0.061737582087516785f, 0.061737582087516785f, 0.061737582087516785f })]
    public void Expected_tensors_read_through_the_view_match_the_fixture(string caseName, string name, int[] shape, float[] firstValues)
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Expected(caseName));
        AssertLeading(file.GetTensor(name), "F32", shape, firstValues);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void Fp8_bytes_are_the_published_e4m3_codes()
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model("deepseek_v3_fp8"));
        var weight = file.GetTensor("model.layers.0.mlp.down_proj.weight");
        Assert.Equal(DType.F8E4M3, weight.DType);
        Assert.Equal([232, 249, 177], weight.AsSpan<byte>()[..3].ToArray());
        // 0xE8 = -1.000 * 2^6, 0xF9 = -1.125 * 2^8, 0xB1 = -1.125 * 2^-1 (E4M3 bias 7).
        Assert.Equal([-64f, -288f, -0.5625f], weight.ToFloatArray()[..3]);
    }

    [Fact]
    public void Metadata_map_is_exposed()
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model("qwen2_f32"));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Single(file.Metadata);
    }

    [Fact]
    public void Views_share_the_mapping_instead_of_copying()
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"));
        var a = file.GetTensor("model.norm.weight");
        var b = file.GetTensor("model.norm.weight");
        Assert.Same(a.Storage, b.Storage);
        var storage = Assert.IsType<HostStorage>(a.Storage);
        Assert.Same(file, storage.Owner);
        var info = file.GetInfo("model.norm.weight");
        unsafe
        {
            fixed (byte* bytes = file.GetBytes("model.norm.weight"))
                Assert.True(bytes == storage.Pointer);
        }
        Assert.Equal(info.ByteLength, storage.ByteLength);
    }

    [Fact]
    public void Disposing_the_file_invalidates_its_views()
    {
        var file = SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"));
        var norm = file.GetTensor("model.norm.weight");
        Assert.Equal(64, norm.ToFloatArray().Length);
        file.Dispose();
        Assert.Throws<ObjectDisposedException>(() => norm.ToFloatArray());
        Assert.Throws<ObjectDisposedException>(() => file.GetTensor("model.norm.weight"));
    }

    [Fact]
    public void Unaligned_data_section_and_gaps_between_tensors_are_accepted()
    {
        using var dir = new TempDirectory();
        // Header of 61 bytes (8 + 61 is odd), an F32 tensor at data offset 1 after a one-byte gap.
        string header = "{\"__metadata__\":{\"k\":\"v\"},\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[1,9]}}";
        var bytes = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)Encoding.UTF8.GetByteCount(header));
        bytes.AddRange(length);
        bytes.AddRange(Encoding.UTF8.GetBytes(header));
        bytes.Add(0xAA);
        bytes.AddRange(BitConverter.GetBytes(1.5f));
        bytes.AddRange(BitConverter.GetBytes(-2.25f));
        Assert.NotEqual(0, (8 + header.Length) % 4);
        File.WriteAllBytes(dir.File("odd.safetensors"), bytes.ToArray());

        using var file = SafetensorsFile.Open(dir.File("odd.safetensors"));
        Assert.Equal([1.5f, -2.25f], file.GetTensor("x").ToFloatArray());
        Assert.Equal("v", file.Metadata["k"]);
    }

    [Fact]
    public void Missing_tensor_names_file_and_tensor()
    {
        using var file = SafetensorsFile.Open(OracleFixtures.Model("llama3_f32"));
        var e = Assert.Throws<TensorNotFoundException>(() => file.GetTensor("model.nope.weight"));
        Assert.Contains("model.nope.weight", e.Message);
        Assert.Contains(file.FilePath, e.Message);
    }

    private static void AssertLeading(Tensor tensor, string dtype, int[] shape, float[] firstValues)
    {
        Assert.Equal(dtype, tensor.DType.SafetensorsName());
        Assert.Equal(new Shape(shape), tensor.Shape);
        Assert.True(tensor.IsContiguous);
        var values = tensor.ToFloatArray();
        Assert.Equal(firstValues, values[..firstValues.Length]);
    }
}
