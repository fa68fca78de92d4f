using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace TorchBudget.Tests.Reporting;

/// <summary>
/// A decoded PNG, enough for a browser's screenshot: 8-bit RGB or RGBA, not interlaced, the five row filters.
/// Pixels are read as 0xRRGGBB (alpha dropped: a screenshot is opaque).
/// </summary>
internal sealed class PngImage
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };
    private readonly byte[] _pixels;
    private readonly int _channels;

    private PngImage(int width, int height, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        _channels = channels;
        _pixels = pixels;
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>The pixel at (x, y) as 0xRRGGBB.</summary>
    public int Rgb(int x, int y)
    {
        var at = (y * Width + x) * _channels;
        return _pixels[at] << 16 | _pixels[at + 1] << 8 | _pixels[at + 2];
    }

    public static PngImage Read(string path)
    {
        var file = File.ReadAllBytes(path);
        if (file.Length < 8 || !file.AsSpan(0, 8).SequenceEqual(Signature)) throw new InvalidDataException($"{path} is not a PNG.");
        int width = 0, height = 0, channels = 0;
        var compressed = new MemoryStream();
        for (var at = 8; at + 8 <= file.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
            var type = Encoding.ASCII.GetString(file, at + 4, 4);
            var data = file.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                var (bitDepth, colorType, interlace) = (data[8], data[9], data[12]);
                channels = colorType switch { 2 => 3, 6 => 4, _ => 0 };
                if (bitDepth != 8 || channels == 0 || interlace != 0)
                {
                    throw new NotSupportedException(
                        $"PNG with bit depth {bitDepth}, colour type {colorType}, interlace {interlace}: only 8-bit RGB/RGBA, not interlaced.");
                }
            }
            else if (type == "IDAT") compressed.Write(data);
            else if (type == "IEND") break;
            at += 12 + length; // length, type, data, CRC
        }
        if (channels == 0) throw new InvalidDataException($"{path} has no IHDR.");

        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        compressed.Position = 0;
        using (var inflater = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            inflater.ReadExactly(raw);
        }
        return new PngImage(width, height, channels, Unfilter(raw, width, height, channels));
    }

    /// <summary>Undoes each row's filter (PNG spec 9.2): None, Sub, Up, Average, Paeth on bytes, left = one pixel back.</summary>
    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = raw[y * (stride + 1)];
            var source = raw.AsSpan(y * (stride + 1) + 1, stride);
            var row = pixels.AsSpan(y * stride, stride);
            var above = y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int left = i >= channels ? row[i - channels] : 0;
                int up = above[i];
                int upLeft = i >= channels ? above[i - channels] : 0;
                row[i] = (byte)(source[i] + filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new InvalidDataException($"Row {y} has filter type {filter}."),
                });
            }
        }
        return pixels;
    }

    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var (toLeft, toUp, toUpLeft) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - upLeft));
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
}
