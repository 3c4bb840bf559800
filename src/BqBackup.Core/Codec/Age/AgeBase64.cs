using System;

namespace BqBackup.Codec.Age
{
    /// <summary>age's base64: RFC 4648 standard alphabet, no padding, canonical only (unused bits zero).</summary>
    internal static class AgeBase64
    {
        public static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

        public static bool IsBase64Char(char c) =>
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';

        /// <summary>Null unless <paramref name="s"/> is canonical unpadded base64 (of <paramref name="expectedLength"/> bytes when given).</summary>
        public static byte[] TryDecode(string s, int expectedLength = -1)
        {
            if (s == null || s.Length % 4 == 1) return null;
            foreach (var c in s)
                if (!IsBase64Char(c)) return null;
            var padded = s.Length % 4 == 0 ? s : s + new string('=', 4 - s.Length % 4);
            byte[] bytes;
            try { bytes = Convert.FromBase64String(padded); }
            catch (FormatException) { return null; }
            // Non-canonical encodings (non-zero unused bits) decode to the same bytes as the canonical one.
            if (!string.Equals(Encode(bytes), s, StringComparison.Ordinal)) return null;
            if (expectedLength >= 0 && bytes.Length != expectedLength) return null;
            return bytes;
        }
    }
}
