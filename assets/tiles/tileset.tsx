<?xml version="1.0" encoding="UTF-8"?>
<tileset version="1.10" tiledversion="1.10.2" name="tinymmo" tilewidth="16" tileheight="16" tilecount="83" columns="8">
 <image source="tileset.png" width="128" height="176"></image>
 <tile id="0">
  <properties>
   <property name="name" value="grass"></property>
  </properties>
 </tile>
 <tile id="1">
  <properties>
   <property name="name" value="grass2"></property>
  </properties>
 </tile>
 <tile id="2">
  <properties>
   <property name="name" value="grass3"></property>
  </properties>
 </tile>
 <tile id="3">
  <properties>
   <property name="name" value="sand"></property>
  </properties>
 </tile>
 <tile id="4">
  <properties>
   <property name="name" value="cobble"></property>
  </properties>
 </tile>
 <tile id="5">
  <properties>
   <property name="name" value="stone_wall"></property>
  </properties>
 </tile>
 <tile id="6">
  <properties>
   <property name="name" value="well"></property>
  </properties>
 </tile>
 <tile id="7">
  <properties>
   <property name="name" value="collision"></property>
  </properties>
 </tile>
 <tile id="8">
  <properties>
   <property name="name" value="dungeon_floor"></property>
  </properties>
 </tile>
 <tile id="9">
  <properties>
   <property name="name" value="dungeon_floor2"></property>
  </properties>
 </tile>
 <tile id="10">
  <properties>
   <property name="name" value="dungeon_wall_top"></property>
  </properties>
 </tile>
 <tile id="11">
  <properties>
   <property name="name" value="dungeon_wall"></property>
  </properties>
 </tile>
 <tile id="12">
  <properties>
   <property name="name" value="stairs_down"></property>
  </properties>
 </tile>
 <tile id="13">
  <properties>
   <property name="name" value="stairs_up"></property>
  </properties>
 </tile>
 <tile id="14">
  <properties>
   <property name="name" value="water_deep"></property>
  </properties>
 </tile>
 <tile id="15">
  <properties>
   <property name="name" value="dungeon_floor_moss"></property>
  </properties>
 </tile>
 <tile id="16">
  <properties>
   <property name="name" value="tree"></property>
  </properties>
 </tile>
 <tile id="17">
  <properties>
   <property name="name" value="pine"></property>
  </properties>
 </tile>
 <tile id="18">
  <properties>
   <property name="name" value="rock"></property>
  </properties>
 </tile>
 <tile id="19">
  <properties>
   <property name="name" value="bush"></property>
  </properties>
 </tile>
 <tile id="20">
  <properties>
   <property name="name" value="flowers_red"></property>
  </properties>
 </tile>
 <tile id="21">
  <properties>
   <property name="name" value="flowers_yellow"></property>
  </properties>
 </tile>
 <tile id="22">
  <properties>
   <property name="name" value="tall_grass"></property>
  </properties>
 </tile>
 <tile id="23">
  <properties>
   <property name="name" value="portal"></property>
  </properties>
 </tile>
 <tile id="24">
  <properties>
   <property name="name" value="mushrooms"></property>
  </properties>
 </tile>
 <tile id="25">
  <properties>
   <property name="name" value="stump"></property>
  </properties>
 </tile>
 <tile id="26">
  <properties>
   <property name="name" value="torch"></property>
  </properties>
 </tile>
 <tile id="27">
  <properties>
   <property name="name" value="bones"></property>
  </properties>
 </tile>
 <tile id="28">
  <properties>
   <property name="name" value="barrel"></property>
  </properties>
 </tile>
 <tile id="29">
  <properties>
   <property name="name" value="fence"></property>
  </properties>
 </tile>
 <tile id="30">
  <properties>
   <property name="name" value="sign"></property>
  </properties>
 </tile>
 <tile id="31">
  <properties>
   <property name="name" value="crate"></property>
  </properties>
 </tile>
 <tile id="32">
  <properties>
   <property name="name" value="roof_tl"></property>
  </properties>
 </tile>
 <tile id="33">
  <properties>
   <property name="name" value="roof_t"></property>
  </properties>
 </tile>
 <tile id="34">
  <properties>
   <property name="name" value="roof_tr"></property>
  </properties>
 </tile>
 <tile id="35">
  <properties>
   <property name="name" value="roof_bl"></property>
  </properties>
 </tile>
 <tile id="36">
  <properties>
   <property name="name" value="roof_b"></property>
  </properties>
 </tile>
 <tile id="37">
  <properties>
   <property name="name" value="roof_br"></property>
  </properties>
 </tile>
 <tile id="38">
  <properties>
   <property name="name" value="lamp"></property>
  </properties>
 </tile>
 <tile id="39">
  <properties>
   <property name="name" value="chest"></property>
  </properties>
 </tile>
 <tile id="40">
  <properties>
   <property name="name" value="house_wall_l"></property>
  </properties>
 </tile>
 <tile id="41">
  <properties>
   <property name="name" value="house_window"></property>
  </properties>
 </tile>
 <tile id="42">
  <properties>
   <property name="name" value="house_door"></property>
  </properties>
 </tile>
 <tile id="43">
  <properties>
   <property name="name" value="house_wall_r"></property>
  </properties>
 </tile>
 <tile id="44">
  <properties>
   <property name="name" value="pillar"></property>
  </properties>
 </tile>
 <tile id="45">
  <properties>
   <property name="name" value="pebbles"></property>
  </properties>
 </tile>
 <tile id="46">
  <properties>
   <property name="name" value="lily"></property>
  </properties>
 </tile>
 <tile id="47">
  <properties>
   <property name="name" value="grave"></property>
  </properties>
 </tile>
 <tile id="48">
  <properties>
   <property name="name" value="water_open"></property>
  </properties>
 </tile>
 <tile id="49">
  <properties>
   <property name="name" value="water_n"></property>
  </properties>
 </tile>
 <tile id="50">
  <properties>
   <property name="name" value="water_e"></property>
  </properties>
 </tile>
 <tile id="51">
  <properties>
   <property name="name" value="water_ne"></property>
  </properties>
 </tile>
 <tile id="52">
  <properties>
   <property name="name" value="water_s"></property>
  </properties>
 </tile>
 <tile id="53">
  <properties>
   <property name="name" value="water_ns"></property>
  </properties>
 </tile>
 <tile id="54">
  <properties>
   <property name="name" value="water_es"></property>
  </properties>
 </tile>
 <tile id="55">
  <properties>
   <property name="name" value="water_nes"></property>
  </properties>
 </tile>
 <tile id="56">
  <properties>
   <property name="name" value="water_w"></property>
  </properties>
 </tile>
 <tile id="57">
  <properties>
   <property name="name" value="water_nw"></property>
  </properties>
 </tile>
 <tile id="58">
  <properties>
   <property name="name" value="water_ew"></property>
  </properties>
 </tile>
 <tile id="59">
  <properties>
   <property name="name" value="water_new"></property>
  </properties>
 </tile>
 <tile id="60">
  <properties>
   <property name="name" value="water_sw"></property>
  </properties>
 </tile>
 <tile id="61">
  <properties>
   <property name="name" value="water_nsw"></property>
  </properties>
 </tile>
 <tile id="62">
  <properties>
   <property name="name" value="water_esw"></property>
  </properties>
 </tile>
 <tile id="63">
  <properties>
   <property name="name" value="water_nesw"></property>
  </properties>
 </tile>
 <tile id="64">
  <properties>
   <property name="name" value="path_open"></property>
  </properties>
 </tile>
 <tile id="65">
  <properties>
   <property name="name" value="path_n"></property>
  </properties>
 </tile>
 <tile id="66">
  <properties>
   <property name="name" value="path_e"></property>
  </properties>
 </tile>
 <tile id="67">
  <properties>
   <property name="name" value="path_ne"></property>
  </properties>
 </tile>
 <tile id="68">
  <properties>
   <property name="name" value="path_s"></property>
  </properties>
 </tile>
 <tile id="69">
  <properties>
   <property name="name" value="path_ns"></property>
  </properties>
 </tile>
 <tile id="70">
  <properties>
   <property name="name" value="path_es"></property>
  </properties>
 </tile>
 <tile id="71">
  <properties>
   <property name="name" value="path_nes"></property>
  </properties>
 </tile>
 <tile id="72">
  <properties>
   <property name="name" value="path_w"></property>
  </properties>
 </tile>
 <tile id="73">
  <properties>
   <property name="name" value="path_nw"></property>
  </properties>
 </tile>
 <tile id="74">
  <properties>
   <property name="name" value="path_ew"></property>
  </properties>
 </tile>
 <tile id="75">
  <properties>
   <property name="name" value="path_new"></property>
  </properties>
 </tile>
 <tile id="76">
  <properties>
   <property name="name" value="path_sw"></property>
  </properties>
 </tile>
 <tile id="77">
  <properties>
   <property name="name" value="path_nsw"></property>
  </properties>
 </tile>
 <tile id="78">
  <properties>
   <property name="name" value="path_esw"></property>
  </properties>
 </tile>
 <tile id="79">
  <properties>
   <property name="name" value="path_nesw"></property>
  </properties>
 </tile>
 <tile id="80">
  <properties>
   <property name="name" value="cobble2"></property>
  </properties>
 </tile>
 <tile id="81">
  <properties>
   <property name="name" value="campfire"></property>
  </properties>
 </tile>
 <tile id="82">
  <properties>
   <property name="name" value="statue"></property>
  </properties>
 </tile>
</tileset>
