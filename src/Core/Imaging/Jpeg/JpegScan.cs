namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>A scan header (SOS, T.81 B.2.3): the components it codes, in order, and for progressive scans the
/// spectral band Ss..Se and the successive-approximation bit positions Ah, Al (G.1.1).</summary>
internal sealed record JpegScan(JpegComponent[] Components, int Ss, int Se, int Ah, int Al);
