#Requires -Version 7.4
<#
.SYNOPSIS
    Builds the module's MAML help from the help sources (Help/<Verb-Noun>.help.psd1) and the cmdlets' metadata.
.DESCRIPTION
    platyPS is not available here, so help is written as data: one .help.psd1 per cmdlet with the text (synopsis,
    description, parameter descriptions, examples, inputs, outputs, notes, links). This script imports the built
    module (run it in a child pwsh: build.ps1 does), reads each cmdlet's parameters with Get-Command (type,
    position, mandatory, pipeline input, aliases, wildcards, parameter sets), merges the two and writes
    <ModulePath>/en-US/ModelOptimization.PowerShell.dll-Help.xml. It also copies the about_*.help.txt topics there.

    It fails (exit code 1) when a cmdlet has no help source, when the synopsis, description or examples are
    missing, when a parameter has no description, or when the source describes a parameter the cmdlet does not have.
.PARAMETER ModulePath
    The built module folder (holding ModelOptimization.psd1), e.g. out/ModelOptimization.
.PARAMETER SourcePath
    The folder of the help sources; by default the folder of this script.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,

    [string] $SourcePath = $PSScriptRoot
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$moduleName = 'ModelOptimization'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$manifest = Join-Path $ModulePath "$moduleName.psd1"
$module = Import-Module $manifest -Force -PassThru
$cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
if ($cmdlets.Count -eq 0) { throw "The module at '$ModulePath' exports no cmdlets." }

$common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
$defaultText = @{
    WhatIf  = 'Shows what would happen if the command ran, without running it: nothing is written.'
    Confirm = 'Asks for confirmation before each write.'
}

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$problems = [System.Collections.Generic.List[string]]::new()

function ConvertTo-Paragraphs {
    # Help text may be one string or an array of paragraphs.
    param($Text)
    @($Text | Where-Object { $_ } | ForEach-Object { "$_" })
}

function Get-TypeName {
    # The short type name Get-Help shows, e.g. String[] or Model.
    param([type] $Type)
    if ($Type -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    $Type.Name
}

function Get-PipelineText {
    param([System.Management.Automation.ParameterMetadata] $Meta)
    $kinds = @()
    foreach ($attr in $Meta.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] }) {
        if ($attr.ValueFromPipeline -and 'ByValue' -notin $kinds) { $kinds += 'ByValue' }
        if ($attr.ValueFromPipelineByPropertyName -and 'ByPropertyName' -notin $kinds) { $kinds += 'ByPropertyName' }
    }
    if ($kinds) { "True ($($kinds -join ', '))" } else { 'False' }
}

function Get-ParameterDescription {
    param([hashtable] $Source, [string] $Name)
    $entry = $Source.Parameters[$Name]
    if ($entry -is [hashtable]) { return $entry }
    @{ Description = $entry }
}

$xml = [System.Xml.XmlDocument]::new()
$null = $xml.AppendChild($xml.CreateXmlDeclaration('1.0', 'utf-8', $null))
$root = $xml.AppendChild($xml.CreateElement('helpItems', 'http://msh'))
$root.SetAttribute('schema', 'maml')

function Add-Element {
    param([System.Xml.XmlNode] $Parent, [string] $Name, [string] $Text, [hashtable] $Attributes)
    $prefix, $local = $Name.Split(':')
    $el = $xml.CreateElement($prefix, $local, $ns[$prefix])
    if ($PSBoundParameters.ContainsKey('Text')) { $el.InnerText = $Text }
    if ($Attributes) { foreach ($k in $Attributes.Keys | Sort-Object) { $el.SetAttribute($k, [string]$Attributes[$k]) } }
    $Parent.AppendChild($el)
}

function Add-Description {
    param([System.Xml.XmlNode] $Parent, $Text, [string] $Name = 'maml:description')
    $d = Add-Element $Parent $Name
    foreach ($p in ConvertTo-Paragraphs $Text) { $null = Add-Element $d 'maml:para' $p }
    if (-not (ConvertTo-Paragraphs $Text)) { $null = Add-Element $d 'maml:para' '' }
}

function Add-Parameter {
    param([System.Xml.XmlNode] $Parent, $Cmd, [string] $Name, $SetParameter, [hashtable] $Source, [switch] $InSyntax)
    $meta = $Cmd.Parameters[$Name]
    $entry = Get-ParameterDescription $Source $Name
    $text = if ($entry.Description) { $entry.Description } else { $defaultText[$Name] }
    $isSwitch = $meta.SwitchParameter
    $position = if ($SetParameter.Position -ge 0) { [string]$SetParameter.Position } else { 'named' }
    $globbing = [bool]($meta.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
    $aliases = if ($meta.Aliases.Count) { $meta.Aliases -join ', ' } else { 'none' }
    $p = Add-Element $Parent 'command:parameter' -Attributes @{
        required       = $SetParameter.IsMandatory.ToString().ToLowerInvariant()
        variableLength = $meta.ParameterType.IsArray.ToString().ToLowerInvariant()
        globbing       = $globbing.ToString().ToLowerInvariant()
        pipelineInput  = Get-PipelineText $meta
        position       = $position
        aliases        = $aliases
    }
    $null = Add-Element $p 'maml:name' $Name
    Add-Description $p $text
    $values = @()
    $enumType = if ($meta.ParameterType.IsArray) { $meta.ParameterType.GetElementType() } else { $meta.ParameterType }
    if ($enumType.IsEnum) { $values = [Enum]::GetNames($enumType) }
    if ($values) {
        $vg = Add-Element $p 'command:parameterValueGroup'
        foreach ($v in $values) { $null = Add-Element $vg 'command:parameterValue' $v -Attributes @{ required = 'false'; variableLength = 'false' } }
    }
    if (-not ($InSyntax -and $isSwitch)) {
        $null = Add-Element $p 'command:parameterValue' (Get-TypeName $meta.ParameterType) -Attributes @{
            required = (-not $isSwitch).ToString().ToLowerInvariant(); variableLength = $meta.ParameterType.IsArray.ToString().ToLowerInvariant()
        }
    }
    $t = Add-Element $p 'dev:type'
    $null = Add-Element $t 'maml:name' $meta.ParameterType.FullName
    $null = Add-Element $t 'maml:uri' ''
    $default = if ($entry.ContainsKey('DefaultValue')) { [string]$entry.DefaultValue } elseif ($isSwitch) { 'False' } else { 'None' }
    $null = Add-Element $p 'dev:defaultValue' $default
}

foreach ($cmd in $cmdlets) {
    $file = Join-Path $SourcePath "$($cmd.Name).help.psd1"
    if (-not (Test-Path -LiteralPath $file)) {
        $problems.Add("$($cmd.Name): no help source ($file).")
        continue
    }
    $src = Import-PowerShellDataFile -LiteralPath $file
    foreach ($key in 'Synopsis', 'Description', 'Examples') {
        if (-not $src.ContainsKey($key) -or -not $src[$key]) { $problems.Add("$($cmd.Name): the help source has no $key.") }
    }
    if (-not $src.ContainsKey('Parameters')) { $src.Parameters = @{} }

    $own = @($cmd.Parameters.Keys | Where-Object { $_ -notin $common })
    foreach ($name in $own) {
        $entry = Get-ParameterDescription $src $name
        if (-not $entry.Description) { $problems.Add("$($cmd.Name): parameter -$name has no description.") }
    }
    foreach ($name in $src.Parameters.Keys) {
        if (-not $cmd.Parameters.ContainsKey($name)) { $problems.Add("$($cmd.Name): the help source describes -$name, which the cmdlet does not have.") }
    }
    foreach ($example in @($src.Examples)) {
        if ($example -isnot [hashtable] -or -not $example.Code) { $problems.Add("$($cmd.Name): an example has no Code.") }
    }
    $shouldProcess = $cmd.Parameters.ContainsKey('WhatIf')
    $documented = @($own) + @(if ($shouldProcess) { 'WhatIf', 'Confirm' })

    $c = Add-Element $root 'command:command'
    foreach ($prefix in 'maml', 'command', 'dev') { $c.SetAttribute("xmlns:$prefix", $ns[$prefix]) }
    $details = Add-Element $c 'command:details'
    $null = Add-Element $details 'command:name' $cmd.Name
    $null = Add-Element $details 'command:verb' $cmd.Verb
    $null = Add-Element $details 'command:noun' $cmd.Noun
    Add-Description $details $src.Synopsis
    Add-Description $c $src.Description

    $syntax = Add-Element $c 'command:syntax'
    $sets = @($cmd.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    foreach ($set in $sets) {
        $item = Add-Element $syntax 'command:syntaxItem'
        $null = Add-Element $item 'maml:name' $cmd.Name
        $ordered = @($set.Parameters | Where-Object { $_.Name -in $documented } |
                Sort-Object { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }, Name)
        foreach ($sp in $ordered) { Add-Parameter $item $cmd $sp.Name $sp $src -InSyntax }
    }

    $params = Add-Element $c 'command:parameters'
    foreach ($name in $documented | Sort-Object) {
        $sp = $cmd.ParameterSets.Parameters | Where-Object Name -EQ $name | Sort-Object { -not $_.IsMandatory } | Select-Object -First 1
        Add-Parameter $params $cmd $name $sp $src
    }

    $inputs = Add-Element $c 'command:inputTypes'
    foreach ($i in @($src['Inputs'])) {
        if (-not $i) { continue }
        $it = Add-Element $inputs 'command:inputType'
        $t = Add-Element $it 'dev:type'
        $null = Add-Element $t 'maml:name' $i.Type
        Add-Description $it $i.Description
    }
    $outputs = Add-Element $c 'command:returnValues'
    foreach ($o in @($src['Outputs'])) {
        if (-not $o) { continue }
        $rv = Add-Element $outputs 'command:returnValue'
        $t = Add-Element $rv 'dev:type'
        $null = Add-Element $t 'maml:name' $o.Type
        Add-Description $rv $o.Description
    }
    if ($src['Notes']) {
        $alerts = Add-Element $c 'maml:alertSet'
        $alert = Add-Element $alerts 'maml:alert'
        foreach ($p in ConvertTo-Paragraphs $src.Notes) { $null = Add-Element $alert 'maml:para' $p }
    }

    $examples = Add-Element $c 'command:examples'
    $n = 0
    foreach ($example in @($src.Examples)) {
        $n++
        $e = Add-Element $examples 'command:example'
        $null = Add-Element $e 'maml:title' "-------------------------- Example ${n}: $($example.Title) --------------------------"
        $null = Add-Element $e 'dev:code' ($example.Code.Trim() -replace "`r`n", "`n")
        Add-Description $e $example.Remarks -Name 'dev:remarks'
    }

    $links = Add-Element $c 'command:relatedLinks'
    foreach ($link in @($src['Links'])) {
        if (-not $link) { continue }
        $l = Add-Element $links 'maml:navigationLink'
        $isUri = "$link" -match '^https?://'
        $null = Add-Element $l 'maml:linkText' $(if ($isUri) { 'Online' } else { "$link" })
        $null = Add-Element $l 'maml:uri' $(if ($isUri) { "$link" } else { '' })
    }
}

if ($problems.Count) {
    foreach ($p in $problems) { Write-Host "Help: $p" -ForegroundColor Red }
    Write-Error "The help is incomplete ($($problems.Count) problem(s)); fix the help sources in '$SourcePath'." -ErrorAction Continue
    exit 1
}

$culture = Join-Path $ModulePath 'en-US'
$null = New-Item -ItemType Directory -Path $culture -Force
$out = Join-Path $culture 'ModelOptimization.PowerShell.dll-Help.xml'
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($out, $settings)
try { $xml.Save($writer) } finally { $writer.Dispose() }

foreach ($about in Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.help.txt') {
    Copy-Item -LiteralPath $about.FullName -Destination $culture -Force
}
Write-Host "Help: $($cmdlets.Count) cmdlets -> $out"
