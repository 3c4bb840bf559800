namespace System.Runtime.CompilerServices
{
    /// <summary>
    /// Lets netstandard2.0 code declare init-only properties (C# 9), so objects such as
    /// OperationContext are immutable once built and still read well in object initialisers.
    /// </summary>
    internal static class IsExternalInit
    {
    }
}
