using System;
using System.Collections.Generic;
using System.Text;

namespace BqBackup.Codec.Age
{
    /// <summary>
    /// Bech32 as BIP-173 specifies it, without its 90-character limit (age's keys are longer than
    /// BIP-173 allows for a hybrid recipient, and the age spec lifts the limit). Errors say what is
    /// wrong, never the string itself: it may be a secret key.
    /// </summary>
    internal static class Bech32
    {
        private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        private static readonly uint[] Generator = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };

        private static uint Polymod(IEnumerable<byte> values)
        {
            uint chk = 1;
            foreach (var v in values)
            {
                var top = chk >> 25;
                chk = ((chk & 0x1ffffff) << 5) ^ v;
                for (var i = 0; i < 5; i++)
                    if (((top >> i) & 1) != 0) chk ^= Generator[i];
            }
            return chk;
        }

        private static List<byte> HrpExpand(string hrp)
        {
            var r = new List<byte>(hrp.Length * 2 + 1);
            foreach (var c in hrp) r.Add((byte)(c >> 5));
            r.Add(0);
            foreach (var c in hrp) r.Add((byte)(c & 31));
            return r;
        }

        /// <summary>Encodes 5-bit groups under <paramref name="hrp"/>, lowercase.</summary>
        public static string Encode(string hrp, byte[] data5)
        {
            hrp = hrp.ToLowerInvariant();
            var values = HrpExpand(hrp);
            values.AddRange(data5);
            values.AddRange(new byte[6]);
            var mod = Polymod(values) ^ 1;
            var sb = new StringBuilder(hrp.Length + 1 + data5.Length + 6);
            sb.Append(hrp).Append('1');
            foreach (var d in data5) sb.Append(Charset[d]);
            for (var i = 0; i < 6; i++) sb.Append(Charset[(int)((mod >> (5 * (5 - i))) & 31)]);
            return sb.ToString();
        }

        /// <summary>Decodes to the human-readable part (as written) and the 5-bit groups; null and a reason when invalid.</summary>
        public static bool TryDecode(string s, out string hrp, out byte[] data5, out string error)
        {
            hrp = null;
            data5 = null;
            error = null;
            if (s == null) { error = "empty"; return false; }
            bool lower = false, upper = false;
            foreach (var c in s)
            {
                if (c < 33 || c > 126) { error = "a character outside printable ASCII"; return false; }
                if (c >= 'a' && c <= 'z') lower = true;
                if (c >= 'A' && c <= 'Z') upper = true;
            }
            if (lower && upper) { error = "mixed upper and lower case"; return false; }
            var pos = s.LastIndexOf('1');
            if (pos < 1 || pos + 7 > s.Length) { error = "no separator '1' where Bech32 needs one"; return false; }
            hrp = s.Substring(0, pos);
            var lowered = s.ToLowerInvariant();
            var data = new byte[s.Length - pos - 1];
            for (var i = 0; i < data.Length; i++)
            {
                var d = Charset.IndexOf(lowered[pos + 1 + i]);
                if (d < 0) { error = "a character outside the Bech32 alphabet"; hrp = null; return false; }
                data[i] = (byte)d;
            }
            var values = HrpExpand(lowered.Substring(0, pos));
            values.AddRange(data);
            if (Polymod(values) != 1) { error = "a wrong checksum (a typo, or a truncated key)"; hrp = null; return false; }
            data5 = new byte[data.Length - 6];
            Array.Copy(data, data5, data5.Length);
            Array.Clear(data, 0, data.Length);
            return true;
        }

        /// <summary>Regroups bits (8 to 5 with padding when encoding; 5 to 8 strictly when decoding). Null when the padding is invalid.</summary>
        public static byte[] ConvertBits(byte[] data, int fromBits, int toBits, bool pad)
        {
            var acc = 0;
            var bits = 0;
            var maxv = (1 << toBits) - 1;
            var totalBits = data.Length * fromBits;
            // Sized exactly, so no copy of a secret is left in a grown list's old buffer.
            var result = new byte[pad ? (totalBits + toBits - 1) / toBits : totalBits / toBits];
            var n = 0;
            foreach (var value in data)
            {
                if (value >> fromBits != 0) return null;
                acc = (acc << fromBits) | value;
                bits += fromBits;
                while (bits >= toBits)
                {
                    bits -= toBits;
                    result[n++] = (byte)((acc >> bits) & maxv);
                }
            }
            if (pad)
            {
                if (bits > 0) result[n++] = (byte)((acc << (toBits - bits)) & maxv);
            }
            else if (bits >= fromBits || ((acc << (toBits - bits)) & maxv) != 0)
            {
                Array.Clear(result, 0, result.Length);
                return null;
            }
            return result;
        }

        public static string EncodeBytes(string hrp, byte[] bytes) => Encode(hrp, ConvertBits(bytes, 8, 5, true));

        /// <summary>Decodes a Bech32 string carrying whole bytes.</summary>
        public static bool TryDecodeBytes(string s, out string hrp, out byte[] bytes, out string error)
        {
            bytes = null;
            if (!TryDecode(s, out hrp, out var data5, out error)) return false;
            bytes = ConvertBits(data5, 5, 8, false);
            Array.Clear(data5, 0, data5.Length);
            if (bytes == null) { error = "invalid padding bits"; hrp = null; return false; }
            return true;
        }
    }
}
