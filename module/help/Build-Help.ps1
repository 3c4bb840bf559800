<#
.SYNOPSIS
    Builds the module's help from the Markdown in module/help: BqBackup.dll-Help.xml (MAML, the
    help of every cmdlet) and en-US/about_BqBackup.help.txt. Run by build.ps1 at build time, in
    a child pwsh; never shipped in the module.

.DESCRIPTION
    What a cmdlet's help says (synopsis, description, parameters, inputs, outputs, examples,
    notes, links) comes from module/help/<Verb-Noun>.md. What a cmdlet *is* (its parameter sets,
    each parameter's type, whether it is required, its position, pipeline input, aliases,
    wildcards) is read from the built cmdlet itself, so the syntax in the help cannot drift from
    the code. The about topic is module/help/about_BqBackup.md with two placeholders filled in:
    {{Cmdlets}} (each cmdlet's synopsis) and {{README:<section title>}} (that README section, so
    the runbook in Get-Help about_BqBackup is the README's).

    The Markdown format, one file per cmdlet, named <Verb-Noun>.md:

        # Verb-Noun

        ## Synopsis
        One paragraph.

        ## Description
        Paragraphs, separated by blank lines.

        ## Parameters

        ### -Name
        Paragraphs. A line "Default value: x" gives the default shown in the help.

        ## Inputs

        ### Full.Type.Name
        Paragraphs.

        ## Outputs

        ### Full.Type.Name
        Paragraphs, and a list of the type's properties ("- Name: what it is").

        ## Examples

        ### A title
        ```powershell
        The code, as typed.
        ```
        Remarks: paragraphs.

        ## Notes
        Paragraphs.

        ## Related links
        - Get-BqBackup
        - [Text](https://…)

    Text rules: lines of a paragraph are joined; "- " or "1. " starts a list item (its own
    paragraph, continued by indented lines); lines indented four spaces and ``` fences are kept
    verbatim. Inline `code` and **bold** lose their marks; [text](url) becomes "text (url)".
    _Common.md holds parameters several cmdlets share (the S3 parameters, -WhatIf, -Confirm): a
    cmdlet that has one of them and does not describe it itself gets that description.

.PARAMETER ModuleDir
    The built module folder (out/BqBackup): imported for the cmdlets' metadata, and where the help
    files are written.

.PARAMETER SourceDir
    The Markdown sources (module/help).

.PARAMETER ReadmePath
    The repository's README.md, for the about topic's {{README:…}} sections.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $SourceDir,
    [Parameter(Mandatory)] [string] $ReadmePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------

# Inline Markdown to plain text.
function ConvertFrom-Inline([string] $Text) {
    $t = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]+)\)', { param($m) if ($m.Groups[1].Value -eq $m.Groups[2].Value) { $m.Groups[1].Value } else { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } })
    $t = $t -replace '\*\*([^*]+)\*\*', '$1'
    $t = $t -replace '`([^`]+)`', '$1'
    $t
}

# Lines of Markdown to paragraphs of plain text (see the format above). Each paragraph is
# @{ Text; Kind = 'Text' | 'Item' | 'Code' }.
function ConvertTo-Paragraph([string[]] $Lines) {
    if ($null -eq $Lines) { $Lines = @() }
    $paragraphs = [System.Collections.Generic.List[object]]::new()
    $current = $null
    $flush = {
        if ($null -ne $current) {
            $text = if ($current.Kind -eq 'Code') { ($current.Lines -join "`n").TrimEnd() } else { ConvertFrom-Inline (($current.Lines | ForEach-Object { $_.Trim() }) -join ' ') }
            if ($text) { $paragraphs.Add([pscustomobject]@{ Text = $text; Kind = $current.Kind }) }
        }
        $current = $null
    }
    $i = 0
    while ($i -lt $Lines.Count) {
        $line = $Lines[$i]
        if ($line -match '^\s*```') {
            . $flush
            $code = [System.Collections.Generic.List[string]]::new()
            $i++
            while ($i -lt $Lines.Count -and $Lines[$i] -notmatch '^\s*```') { $code.Add($Lines[$i]); $i++ }
            $current = @{ Kind = 'Code'; Lines = $code }
            . $flush
            $i++
            continue
        }
        if ($line -match '^\s*$') { . $flush; $i++; continue }
        if ($line -match '^(?<indent>\s*)(?<mark>[-*]|\d+\.)\s+(?<rest>.*)$' -and ($null -eq $current -or $current.Kind -ne 'Code')) {
            . $flush
            $current = @{ Kind = 'Item'; Lines = [System.Collections.Generic.List[string]]::new() }
            $current.Lines.Add("$($Matches.mark) $($Matches.rest)")
            $i++
            continue
        }
        if ($null -ne $current -and $current.Kind -eq 'Item' -and $line -match '^\s{2,}\S') { $current.Lines.Add($line); $i++; continue }
        if ($line -match '^ {4}') {
            if ($null -eq $current -or $current.Kind -ne 'Code') { . $flush; $current = @{ Kind = 'Code'; Lines = [System.Collections.Generic.List[string]]::new() } }
            $current.Lines.Add($line.Substring(4))
            $i++
            continue
        }
        if ($null -ne $current -and $current.Kind -ne 'Text') { . $flush }
        if ($null -eq $current) { $current = @{ Kind = 'Text'; Lines = [System.Collections.Generic.List[string]]::new() } }
        $current.Lines.Add($line)
        $i++
    }
    . $flush
    $paragraphs.ToArray()
}

# Splits Markdown lines at headings of one level: an ordered map of title -> lines (the lines
# before the first heading under the key '').
function Split-Section([string[]] $Lines, [int] $Level) {
    if ($null -eq $Lines) { $Lines = @() }
    $sections = [ordered]@{}
    $title = ''
    $sections[$title] = [System.Collections.Generic.List[string]]::new()
    $prefix = '#' * $Level
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match "^$prefix\s+(?<t>.+?)\s*$" -and $line -notmatch "^$prefix#") {
            $title = $Matches.t
            if ($sections.Contains($title)) { throw "Heading '$title' appears twice." }
            $sections[$title] = [System.Collections.Generic.List[string]]::new()
            continue
        }
        $sections[$title].Add($line)
    }
    $sections
}

# A cmdlet's Markdown file, parsed.
function Read-CommandHelp([string] $Path) {
    $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
    $top = Split-Section $lines 1
    $name = @($top.Keys | Where-Object { $_ })[0]
    if (-not $name) { throw "$Path has no '# Verb-Noun' title." }
    $sections = Split-Section @($top[$name]) 2
    $get = { param($title) if ($sections.Contains($title)) { @($sections[$title]) } else { @() } }

    $parameters = [ordered]@{}
    foreach ($entry in (Split-Section (& $get 'Parameters') 3).GetEnumerator()) {
        if (-not $entry.Key) { continue }
        if ($entry.Key -notmatch '^-(?<p>\w+)$') { throw "$Path`: parameter heading '### $($entry.Key)' must be '### -Name'." }
        $parameterName = $Matches.p
        $default = $null
        $body = foreach ($l in $entry.Value) { if ($l -match '^Default value:\s*(?<d>.+)$') { $default = $Matches.d.Trim() } else { $l } }
        $parameters[$parameterName] = [pscustomobject]@{ Paragraphs = @(ConvertTo-Paragraph @($body)); Default = $default }
    }
    $typed = {
        param($title)
        foreach ($entry in (Split-Section (& $get $title) 3).GetEnumerator()) {
            if ($entry.Key) { [pscustomobject]@{ Type = $entry.Key; Paragraphs = @(ConvertTo-Paragraph @($entry.Value)) } }
        }
    }
    $examples = foreach ($entry in (Split-Section (& $get 'Examples') 3).GetEnumerator()) {
        if (-not $entry.Key) { continue }
        $paragraphs = @(ConvertTo-Paragraph @($entry.Value))
        $code = @($paragraphs | Where-Object Kind -eq 'Code' | Select-Object -First 1)
        if (-not $code) { throw "$Path`: example '$($entry.Key)' has no code block." }
        [pscustomobject]@{ Title = $entry.Key; Code = $code[0].Text; Remarks = @($paragraphs | Where-Object { $_ -ne $code[0] }) }
    }
    $links = foreach ($l in (& $get 'Related links')) {
        if ($l -match '^\s*-\s+\[(?<t>[^\]]+)\]\((?<u>[^)]+)\)') { [pscustomobject]@{ Text = $Matches.t; Uri = $Matches.u } }
        elseif ($l -match '^\s*-\s+(?<t>\S.*?)\s*$') { [pscustomobject]@{ Text = $Matches.t; Uri = '' } }
    }
    [pscustomobject]@{
        Name        = $name
        Path        = $Path
        Synopsis    = (@(ConvertTo-Paragraph (& $get 'Synopsis')) | ForEach-Object { $_.Text }) -join ' '
        Description = @(ConvertTo-Paragraph (& $get 'Description'))
        Parameters  = $parameters
        Inputs      = @(& $typed 'Inputs')
        Outputs     = @(& $typed 'Outputs')
        Examples    = @($examples)
        Notes       = @(ConvertTo-Paragraph (& $get 'Notes'))
        Links       = @($links)
    }
}

# ---------------------------------------------------------------------------------------------
# MAML
# ---------------------------------------------------------------------------------------------

$ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}
$CommonParameterNames = @([System.Management.Automation.Cmdlet]::CommonParameters) + @('ProgressAction')

function Write-Element($Writer, [string] $Prefix, [string] $Name, [string] $Text) {
    $Writer.WriteStartElement($Prefix, $Name, $ns[$Prefix])
    if ($null -ne $Text) { $Writer.WriteString($Text) }
    $Writer.WriteEndElement()
}

function Write-Paragraphs($Writer, $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $ns.maml)
    foreach ($p in @($Paragraphs)) { if ($p) { Write-Element $Writer 'maml' 'para' $p.Text } }
    $Writer.WriteEndElement()
}

function Get-FriendlyTypeName([type] $Type) {
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $Type.Name
}

# What the help says of one parameter, merged from the code's metadata and the Markdown.
function Get-ParameterFacts($Command, $Metadata) {
    $attributes = @($Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
    $sets = @($attributes | ForEach-Object {
        $set = if ($_.ParameterSetName -eq [System.Management.Automation.ParameterAttribute]::AllParameterSets) { '(All)' } else { $_.ParameterSetName }
        [pscustomobject]@{ Set = $set; Mandatory = $_.Mandatory; Position = $_.Position }
    })
    $positions = @($attributes | Where-Object { $_.Position -ge 0 } | ForEach-Object Position | Sort-Object -Unique)
    $byValue = [bool]($attributes | Where-Object ValueFromPipeline)
    $byName = [bool]($attributes | Where-Object ValueFromPipelineByPropertyName)
    $pipeline = if ($byValue -and $byName) { 'True (ByValue, ByPropertyName)' } elseif ($byValue) { 'True (ByValue)' } elseif ($byName) { 'True (ByPropertyName)' } else { 'False' }
    [pscustomobject]@{
        Name       = $Metadata.Name
        Type       = $Metadata.ParameterType
        Required   = @($attributes).Count -gt 0 -and -not ($attributes | Where-Object { -not $_.Mandatory })
        Position   = if ($positions.Count) { "$($positions[0])" } else { 'named' }
        Pipeline   = $pipeline
        Aliases    = @($Metadata.Aliases)
        Globbing   = [bool]($Metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
        IsSwitch   = $Metadata.SwitchParameter
        Sets       = $sets
    }
}

function Write-Parameter($Writer, $Facts, $Paragraphs, [string] $Default, [switch] $InSyntax, $SetFacts) {
    $required = if ($SetFacts) { $SetFacts.IsMandatory } else { $Facts.Required }
    $position = if ($SetFacts) { if ($SetFacts.Position -ge 0) { "$($SetFacts.Position)" } else { 'named' } } else { $Facts.Position }
    $Writer.WriteStartElement('command', 'parameter', $ns.command)
    $Writer.WriteAttributeString('required', "$([bool]$required)".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', "$($Facts.Type.IsArray)".ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', "$($Facts.Globbing)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Facts.Pipeline)
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $(if ($Facts.Aliases.Count) { $Facts.Aliases -join ', ' } else { 'none' }))
    Write-Element $Writer 'maml' 'name' $Facts.Name
    Write-Paragraphs $Writer $Paragraphs
    $typeName = Get-FriendlyTypeName $Facts.Type
    if (-not $Facts.IsSwitch -or -not $InSyntax) {
        $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
        $Writer.WriteAttributeString('required', $(if ($Facts.IsSwitch) { 'false' } else { 'true' }))
        $Writer.WriteAttributeString('variableLength', "$($Facts.Type.IsArray)".ToLowerInvariant())
        $Writer.WriteString($typeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $ns.dev)
    Write-Element $Writer 'maml' 'name' $typeName
    Write-Element $Writer 'maml' 'uri' ''
    $Writer.WriteEndElement()
    Write-Element $Writer 'dev' 'defaultValue' $(if ($Default) { $Default } elseif ($Facts.IsSwitch) { 'False' } else { 'None' })
    $Writer.WriteEndElement()
}

function Write-CommandHelp($Writer, $Command, $Help, $Common) {
    $verb, $noun = $Command.Name -split '-', 2
    $Writer.WriteStartElement('command', 'command', $ns.command)
    foreach ($p in 'maml', 'dev', 'MSHelp') { $Writer.WriteAttributeString('xmlns', $p, $null, $ns[$p]) }

    $Writer.WriteStartElement('command', 'details', $ns.command)
    Write-Element $Writer 'command' 'name' $Command.Name
    Write-Element $Writer 'command' 'verb' $verb
    Write-Element $Writer 'command' 'noun' $noun
    Write-Paragraphs $Writer @([pscustomobject]@{ Text = $Help.Synopsis })
    $Writer.WriteEndElement()

    Write-Paragraphs $Writer $Help.Description

    $documented = @($Command.Parameters.Values | Where-Object { $_.Name -notin $CommonParameterNames })
    $text = @{}
    $defaults = @{}
    foreach ($m in $documented) {
        $own = if ($Help.Parameters.Contains($m.Name)) { $Help.Parameters[$m.Name] } elseif ($Common.Contains($m.Name)) { $Common[$m.Name] } else { $null }
        if (-not $own) { Write-Warning "$($Command.Name): parameter -$($m.Name) has no help (add '### -$($m.Name)' to $($Help.Path))." }
        $facts = Get-ParameterFacts $Command $m
        $paragraphs = @(if ($own) { $own.Paragraphs })
        $inSome = @($facts.Sets | Where-Object Set -ne '(All)')
        $allSets = @($Command.ParameterSets | Where-Object { $_.Name -ne '__AllParameterSets' })
        # Which sets a parameter belongs to, after its description (never in place of one).
        if ($own -and $inSome.Count -gt 0 -and $inSome.Count -lt $allSets.Count) {
            $paragraphs += [pscustomobject]@{ Kind = 'Text'; Text = 'Parameter sets: ' + (($inSome | ForEach-Object { if ($_.Mandatory) { "$($_.Set) (required)" } else { $_.Set } }) -join ', ') + '.' }
        }
        $text[$m.Name] = $paragraphs
        $defaults[$m.Name] = if ($own) { $own.Default } else { $null }
    }
    foreach ($name in $Help.Parameters.Keys) {
        if (-not $Command.Parameters.ContainsKey($name)) { Write-Warning "$($Help.Path) documents -$name, which $($Command.Name) does not have." }
    }

    $Writer.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $Command.ParameterSets) {
        $Writer.WriteStartElement('command', 'syntaxItem', $ns.command)
        Write-Element $Writer 'maml' 'name' $Command.Name
        $inSet = @($set.Parameters | Where-Object { $_.Name -notin $CommonParameterNames })
        $ordered = @($inSet | Where-Object { $_.Position -ge 0 } | Sort-Object Position) + @($inSet | Where-Object { $_.Position -lt 0 -and $_.IsMandatory }) + @($inSet | Where-Object { $_.Position -lt 0 -and -not $_.IsMandatory })
        foreach ($p in $ordered) {
            Write-Parameter $Writer (Get-ParameterFacts $Command $Command.Parameters[$p.Name]) $text[$p.Name] $defaults[$p.Name] -InSyntax -SetFacts $p
        }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($m in $documented) { Write-Parameter $Writer (Get-ParameterFacts $Command $m) $text[$m.Name] $defaults[$m.Name] }
    $Writer.WriteEndElement()

    foreach ($kind in @(@{ Outer = 'inputTypes'; Inner = 'inputType'; Items = $Help.Inputs }, @{ Outer = 'returnValues'; Inner = 'returnValue'; Items = $Help.Outputs })) {
        $Writer.WriteStartElement('command', $kind.Outer, $ns.command)
        foreach ($item in $kind.Items) {
            $Writer.WriteStartElement('command', $kind.Inner, $ns.command)
            $Writer.WriteStartElement('dev', 'type', $ns.dev)
            Write-Element $Writer 'maml' 'name' $item.Type
            $Writer.WriteEndElement()
            Write-Paragraphs $Writer $item.Paragraphs
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }

    $Writer.WriteStartElement('maml', 'alertSet', $ns.maml)
    $Writer.WriteStartElement('maml', 'alert', $ns.maml)
    foreach ($p in $Help.Notes) { Write-Element $Writer 'maml' 'para' $p.Text }
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $ns.command)
    $n = 0
    foreach ($example in $Help.Examples) {
        $n++
        $Writer.WriteStartElement('command', 'example', $ns.command)
        Write-Element $Writer 'maml' 'title' "--------- Example $($n): $($example.Title) ---------"
        Write-Element $Writer 'dev' 'code' $example.Code
        $Writer.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($p in $example.Remarks) { Write-Element $Writer 'maml' 'para' $p.Text }
        # An empty paragraph last, so the examples stand apart in Get-Help's text.
        Write-Element $Writer 'maml' 'para' ''
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $ns.command)
    # The cmdlet's HelpUri first, as PlatyPS writes it: Get-Help -Online opens the first link's URI.
    if ($Command.HelpUri) {
        $Writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element $Writer 'maml' 'linkText' 'Online Version:'
        Write-Element $Writer 'maml' 'uri' $Command.HelpUri
        $Writer.WriteEndElement()
    }
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
        Write-Element $Writer 'maml' 'linkText' $link.Text
        Write-Element $Writer 'maml' 'uri' $link.Uri
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

# ---------------------------------------------------------------------------------------------
# The about topic
# ---------------------------------------------------------------------------------------------

# Plain paragraphs laid out as help text: indented, wrapped at $Width, list items hanging.
function Format-AboutText($Paragraphs, [int] $Indent = 4, [int] $Width = 80) {
    $pad = ' ' * $Indent
    $blocks = foreach ($p in $Paragraphs) {
        if ($p.Kind -eq 'Code') { ($p.Text -split "`n" | ForEach-Object { "$pad    $_" }) -join [Environment]::NewLine; continue }
        $first = $pad
        $rest = $pad
        $text = $p.Text
        if ($p.Kind -eq 'Item' -and $text -match '^(?<mark>[-*]|\d+\.)\s+(?<body>.*)$') {
            $first = "$pad$($Matches.mark) "
            $rest = ' ' * $first.Length
            $text = $Matches.body
        }
        $lines = [System.Collections.Generic.List[string]]::new()
        $line = $first
        $hasWord = $false
        foreach ($word in ($text -split '[ \t\r\n]+' | Where-Object { $_ })) {
            if ($hasWord -and $line.Length + 1 + $word.Length -gt $Width) { $lines.Add($line.TrimEnd()); $line = $rest + $word }
            elseif ($hasWord) { $line = "$line $word" }
            else { $line += $word; $hasWord = $true }
        }
        $lines.Add($line.TrimEnd())
        $lines -join [Environment]::NewLine
    }
    $blocks -join ([Environment]::NewLine + [Environment]::NewLine)
}

# The paragraphs of one '## Title' section of the README, inline code kept whole when wrapping.
function Get-ReadmeSection([string] $Title) {
    $sections = Split-Section @(Get-Content -LiteralPath $ReadmePath -Encoding utf8) 2
    if (-not $sections.Contains($Title)) { throw "README.md has no '## $Title' section." }
    # Inline code stays one word: its spaces become no-break spaces until the text is laid out.
    $lines = foreach ($l in $sections[$Title]) { [regex]::Replace($l, '`([^`]+)`', { param($m) '`' + $m.Groups[1].Value.Replace(' ', [char]0xA0) + '`' }) }
    @(ConvertTo-Paragraph @($lines))
}

function New-AboutTopic($Helps) {
    $template = Get-Content -LiteralPath (Join-Path $SourceDir 'about_BqBackup.md') -Encoding utf8
    $top = Split-Section @($template) 1
    $name = @($top.Keys | Where-Object { $_ })[0]
    $out = [System.Text.StringBuilder]::new()
    [void] $out.AppendLine('TOPIC').AppendLine("    $name").AppendLine()
    foreach ($section in (Split-Section @($top[$name]) 2).GetEnumerator()) {
        if (-not $section.Key) { continue }
        [void] $out.AppendLine($section.Key.ToUpperInvariant())
        $body = @($section.Value)
        $joined = ($body -join "`n").Trim()
        if ($joined -eq '{{Cmdlets}}') {
            foreach ($h in $Helps) {
                [void] $out.AppendLine("    $($h.Name)")
                [void] $out.AppendLine((Format-AboutText @([pscustomobject]@{ Kind = 'Text'; Text = $h.Synopsis }) -Indent 8))
                [void] $out.AppendLine()
            }
            continue
        }
        if ($joined -match '^\{\{README:(?<t>.+)\}\}$') {
            $text = Format-AboutText (Get-ReadmeSection $Matches.t.Trim())
            [void] $out.AppendLine($text.Replace([char]0xA0, ' ')).AppendLine()
            continue
        }
        [void] $out.AppendLine((Format-AboutText (ConvertTo-Paragraph $body))).AppendLine()
    }
    $out.ToString().TrimEnd() + [Environment]::NewLine
}

# ---------------------------------------------------------------------------------------------

$manifest = Join-Path $ModuleDir 'BqBackup.psd1'
Import-Module $manifest -Force
$module = Get-Module BqBackup
$commands = @(Get-Command -Module BqBackup -CommandType Cmdlet | Sort-Object Name)

$commonFile = Join-Path $SourceDir '_Common.md'
$common = if (Test-Path -LiteralPath $commonFile) { (Read-CommandHelp $commonFile).Parameters } else { [ordered]@{} }

$helps = [System.Collections.Generic.List[object]]::new()
foreach ($file in Get-ChildItem -LiteralPath $SourceDir -Filter '*-*.md' | Sort-Object Name) {
    $help = Read-CommandHelp $file.FullName
    if ($help.Name -ne $file.BaseName) { throw "$($file.Name) is titled '# $($help.Name)'; the title must be the file's name." }
    $helps.Add($help)
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
$mamlPath = Join-Path $ModuleDir 'BqBackup.dll-Help.xml'
$writer = [System.Xml.XmlWriter]::Create($mamlPath, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems', $ns.msh)
    $writer.WriteAttributeString('schema', 'maml')
    foreach ($command in $commands) {
        $help = $helps | Where-Object Name -eq $command.Name
        if (-not $help) { Write-Warning "$($command.Name) has no help: add $(Join-Path $SourceDir "$($command.Name).md")."; continue }
        Write-CommandHelp $writer $command $help $common
    }
    foreach ($help in $helps) {
        if ($help.Name -notin $commands.Name) { Write-Warning "$($help.Path) documents $($help.Name), which the module does not export." }
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
}
finally {
    $writer.Dispose()
}

$aboutDir = Join-Path $ModuleDir 'en-US'
New-Item -ItemType Directory -Force -Path $aboutDir | Out-Null
$about = New-AboutTopic ($helps | Where-Object { $_.Name -in $commands.Name })
[System.IO.File]::WriteAllText((Join-Path $aboutDir 'about_BqBackup.help.txt'), $about, [System.Text.UTF8Encoding]::new($false))

Write-Host "Help: $mamlPath ($(@($helps).Count) cmdlets), $(Join-Path $aboutDir 'about_BqBackup.help.txt')."
